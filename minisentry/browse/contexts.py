"""An event's contexts (device, os, browser, app, gpu…) as tables, each type with its own order of
fields and formatting. A context's type is its ``type`` key, else its name, as in Sentry."""

from .display import as_dict, cut_note, meta_at
from .tables import as_bytes, as_megabytes, as_percent, as_time, ordered_rows

MAX_CONTEXTS = 50
MEMORY = ("memory_size", "free_memory", "usable_memory", "storage_size", "free_storage",
          "external_storage_size", "external_free_storage")


def nested(value):
    """A mapping inside a context (the trace's ``dynamic_sampling_context``) as a table of its own."""
    return ordered_rows(value, (), {}, skip=()) if isinstance(value, dict) else value


# type -> (title, fields in order, formats)
KNOWN = {
    "device": ("Device", (
        "name", "family", "model", "model_id", "manufacturer", "brand", "arch", "archs", "simulator",
        "orientation", "battery_level", "charging", "online", "low_memory", *MEMORY, "screen_resolution",
        "screen_density", "screen_dpi",
        "screen_width_pixels", "screen_height_pixels", "boot_time", "timezone", "locale",
        "processor_count", "cpu_description", "processor_frequency", "device_type", "battery_status",
    ), {**dict.fromkeys(MEMORY, as_bytes), "battery_level": as_percent, "boot_time": as_time}),
    "os": ("Operating system", (
        "name", "version", "build", "kernel_version", "rooted", "theme", "raw_description",
    ), {}),
    "runtime": ("Runtime", ("name", "version", "build", "raw_description"), {}),
    "browser": ("Browser", ("name", "version"), {}),
    "app": ("App", (
        "app_name", "app_version", "app_build", "app_identifier", "build_type", "app_start_time", "in_foreground",
        "app_memory", "device_app_hash", "view_names", "permissions",
    ), {"app_memory": as_bytes, "app_start_time": as_time}),
    "gpu": ("GPU", (
        "name", "vendor_name", "vendor_id", "id", "memory_size", "api_type", "version", "npot_support",
        "multi_threaded_rendering", "max_texture_size", "graphics_shader_level",
    ), {"memory_size": as_megabytes}),
    "culture": ("Culture", ("locale", "timezone", "calendar", "display_name", "is_24_hour_format"), {}),
    "response": ("Response", ("status_code", "body_size", "headers", "cookies", "data"), {"body_size": as_bytes}),
    "cloud_resource": ("Cloud resource", (
        "cloud.provider", "cloud.platform", "cloud.account.id", "cloud.region", "cloud.availability_zone",
        "host.id", "host.type",
    ), {}),
    "profile": ("Profile", ("profile_id",), {}),
    "replay": ("Replay", ("replay_id",), {}),
    "state": ("State", ("state",), {}),
    "trace": ("Trace", ("trace_id", "span_id", "parent_span_id", "op", "status", "origin", "dynamic_sampling_context"),
              {"dynamic_sampling_context": nested}),
}


LABELS = {  # where the label made of the key would not read well
    "model_id": "Model ID", "screen_dpi": "Screen DPI", "cpu_description": "CPU", "id": "ID",
    "vendor_id": "Vendor ID", "api_type": "API type", "npot_support": "NPOT support",
    "is_24_hour_format": "24-hour format", "device_app_hash": "Device app hash", "trace_id": "Trace ID",
    "span_id": "Span ID", "parent_span_id": "Parent span ID", "profile_id": "Profile ID", "replay_id": "Replay ID",
    "dynamic_sampling_context": "Dynamic sampling context",
    "cloud.account.id": "Account ID", "host.id": "Host ID", "cloud.provider": "Provider", "cloud.platform": "Platform",
    "cloud.region": "Region", "cloud.availability_zone": "Availability zone", "host.type": "Host type",
}


def context_type(name: str, ctx: dict) -> str:
    kind = ctx.get("type")
    return kind if isinstance(kind, str) and kind else name


def contexts(event: dict, meta: dict) -> tuple[list, str]:
    """``(title, rows)`` per context, at most :data:`MAX_CONTEXTS`, and a note on the ones cut."""
    found = [(str(name), ctx) for name, ctx in as_dict(event.get("contexts")).items() if isinstance(ctx, dict)]
    result = []
    for name, ctx in found[:MAX_CONTEXTS]:
        ctx_meta = meta_at(meta, "contexts", name)
        kind = context_type(name, ctx)
        title, fields, formats = KNOWN.get(kind, (name, (), {}))
        if kind == "state" and isinstance(ctx.get("state"), dict):  # {"state": {"type": "redux", "value": ...}}
            ctx, ctx_meta = ctx["state"], meta_at(ctx_meta, "state")
            fields = ("type", "value")
        if kind in KNOWN and name not in (kind, title.lower()):
            title = f"{title} ({name})"
        skip = () if kind == "state" else ("type",)
        result.append((title, ordered_rows(ctx, fields, ctx_meta, formats, skip=skip, labels=LABELS)))
    cut = len(found) - len(result)
    return result, cut_note(cut, "more contexts") if cut else ""
