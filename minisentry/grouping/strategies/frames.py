"""Frame components, per platform: module (else filename), function and context line.

Java code generation markers and lambdas, JavaScript rules (unknown functions, eval and native
code, URL origins, source maps, a lone URL frame), Ruby blocks and ERB, PHP anonymous classes,
C# raw function names."""

from __future__ import annotations

import re

from ..component import Component
from ..utils import URL_PREFIXES, Frames, behavior_family

_CONTEXT_LINE_PLATFORMS = ("javascript", "node", "python", "php", "ruby")
_CONTEXT_LINE_MAX_CHARS = 120
_UNKNOWN_JAVASCRIPT_FUNCTIONS = ("?", "<anonymous function>", "<anonymous>", "Anonymous function")
_LOW_QUALITY_JAVASCRIPT_PATHS = ("[native code]", "native code", "eval code", "<anonymous>")
_BASENAME_RE = re.compile(r"[/\\]")
_RUBY_ERB_RE = re.compile(r"__\d{4,}_\d{4,}$")
# Java code generation markers: (regex, replacement); "<auto>" replaces the generated part.
_JAVA_CODEGEN_MARKERS = tuple(
    (re.compile(pattern), r"\1<auto>")
    for pattern in (
        r"(sun\.reflect\.Generated(?:Serialization)?ConstructorAccessor)\d+",
        r"(\$\$[\w_]+?CGLIB\$\$)[a-fA-F0-9]+(_[0-9]+)?",
        r"(\$\$_javassist)(?:_seam)?(?:_[0-9]+)?",
        r"(\$fn__)\d+",
        r"(\$\$?EnhancerBy[\w_]+?\$?\$)[a-fA-F0-9]+(_[0-9]+)?",
        r"(\$\$?FastClassBy[\w_]+?\$?\$)[a-fA-F0-9]+(_[0-9]+)?",
        r"(\$\$?HibernateProxy\$?\$)\w+(_[0-9]+)?",
    )
)
_JAVASSIST_RE = _JAVA_CODEGEN_MARKERS[2][0]
_JAVA_REFLECTION_MODULES = ("sun.reflect.GeneratedMethodAccessor", "jdk.internal.reflect.GeneratedMethodAccessor")


def frame_component(frame: dict, event_platform: str | None, is_recursion: bool) -> Component:
    """Module (else filename), function and, where sources are trusted, the context line."""
    platform = frame["platform"] or event_platform
    family = behavior_family(platform)
    filename = _filename_component(frame, platform)
    module = _module_component(frame, platform)
    if module.contributes and filename.contributes:
        filename.contributes = False
    context_line = _context_line_component(frame, family) if platform in _CONTEXT_LINE_PLATFORMS else None
    # Function names in source maps are unreliable: the context line is used instead.
    sourcemap_used = frame["data"].get("sourcemap") is not None and bool(context_line and context_line.contributes)
    function = _function_component(frame, platform, family, ignore_for_sourcemap=sourcemap_used)
    component = Component("frame", [module, filename, function, *([context_line] if context_line else [])])
    if family == "javascript":
        _fuzz_javascript_frame(frame, component, function)
    if is_recursion:
        component.contributes = False
    return component


def _filename_component(frame: dict, platform: str | None) -> Component:
    if frame["filename"] is None:
        return Component("filename")
    filename = _BASENAME_RE.split(frame["filename"])[-1].lower()
    component = Component("filename", [filename])
    ignored = filename in ("<anonymous>", "[native code]")
    if ignored or _has_url_origin(frame["abs_path"], allow_file_origin=True):
        component.contributes = False
    elif platform == "java":
        component.children = [_JAVASSIST_RE.sub(r"\1<auto>", filename)]
    return component


def _module_component(frame: dict, platform: str | None) -> Component:
    module, abs_path = frame["module"], frame["abs_path"]
    if module is None:
        return Component("module")
    if platform == "javascript" and "/" in module and abs_path and abs_path.endswith(module):
        return Component("module", [module], contributes=False)
    if platform != "java":
        return Component("module", [module])
    lambda_class = "$$Lambda$" in module
    reflection = next((prefix for prefix in _JAVA_REFLECTION_MODULES if module.startswith(prefix)), None)
    if reflection is None:
        for pattern, replacement in _JAVA_CODEGEN_MARKERS:
            module = pattern.sub(replacement, module)
    return Component("module", [reflection or module], contributes=False if lambda_class else None)


def _context_line_component(frame: dict, family: str) -> Component:
    context_line = frame["context_line"] or ""
    line = " ".join(context_line.expandtabs(2).split())
    if not line:
        return Component("context-line")
    component = Component("context-line", [line])
    if len(context_line) > _CONTEXT_LINE_MAX_CHARS or (
        family == "javascript" and not frame["function"] and _has_url_origin(frame["abs_path"])
    ):
        component.contributes = False
    return component


def _function_component(frame: dict, platform: str | None, family: str, ignore_for_sourcemap: bool) -> Component:
    """The function name, normalised per platform (C# prefers the raw name)."""
    if platform == "csharp":
        function = frame["raw_function"] or frame["function"]
    else:
        function = frame["function"] or frame["raw_function"]
    if not function:
        return Component("function")
    component = Component("function", [function])
    if platform == "ruby":
        component.children = ["block" if function.startswith("block ") else _RUBY_ERB_RE.sub("", function)]
    elif platform == "php":
        if function.startswith(("[Anonymous", "class@anonymous\x00")):
            component.contributes = False
        if function.startswith("class@anonymous"):
            component.children = [function.rsplit("::", 1)[-1]]
    elif platform == "java":
        component.contributes = not function.startswith("lambda$")
    elif family == "native":
        component.contributes = function not in ("<redacted>", "<unknown>")
    elif family == "javascript":
        component.children = [function.rsplit(".", 1)[-1]]
        component.contributes = not ignore_for_sourcemap
    return component


def _fuzz_javascript_frame(frame: dict, component: Component, function: Component) -> None:
    """Ignore unknown JavaScript function names and frames of eval or native code."""
    name = frame["raw_function"] or frame["function"]
    name = name.rsplit(".", 1)[-1] if name else name
    if not name or name in _UNKNOWN_JAVASCRIPT_FUNCTIONS or name.endswith("/<"):
        function.contributes = False
    if name == "eval" or frame["abs_path"] in _LOW_QUALITY_JAVASCRIPT_PATHS:
        component.contributes = False


def ignore_lone_javascript_url_frame(frames: Frames, components: list[Component], platform: str | None) -> None:
    """A JavaScript stack trace of one frame at a URL, without a function name, does not count."""
    frame = frames[0]
    if (
        len(frames) == 1
        and components[0].contributes
        and behavior_family(frame["platform"] or platform) == "javascript"
        and not frame["function"]
        and _is_url(frame["abs_path"])
    ):
        components[0].contributes = False


def _has_url_origin(path: str | None, allow_file_origin: bool = False) -> bool:
    if not path:
        return False
    if path.startswith(("http:", "https:", "applewebdata:", "blob:")):
        return True
    return path.startswith("file:") and not allow_file_origin


def _is_url(path: str | None) -> bool:
    return bool(path) and path.startswith(("blob:", *URL_PREFIXES))
