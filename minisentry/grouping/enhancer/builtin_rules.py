"""Sentry's built-in stack-trace rules (``newstyle:2023-01-11``), then a project's own."""

from __future__ import annotations

from functools import lru_cache

from .parser import parse_stacktrace_rules
from .rules import Rules

# Sentry's built-in rules for newstyle:2023-01-11 (enhancement-configs/newstyle@2023-01-11.txt),
# without the rules for native platforms, Dart and Flutter.
_BUILTIN_STACKTRACE_RULES_TEXT = r"""
module:dalvik.system.* category=system
module:com.android.* category=system
module:com.lenovo.lsf.* category=system
module:com.lenovo.payplus.* category=system
module:java.* category=std
module:com.google.crypto.* category=std
module:com.google.android.* category=std
module:javax.crypto.* category=std
module:android.database.* category=std
module:androidx.* category=std
module:android.* category=std
module:android.os.* category=system
module:android.view.* category=ui
module:android.text.* category=ui
module:android.widget.* category=ui
module:android.app.Dialog category=ui
module:androidx.*.widget.* category=ui
module:com.google.android.material.* category=ui
category:ui function:handleMessage category=indirection
category:ui function:run category=indirection
module:android.os.AsyncTask* function:call category=threadbase
module:java.util.concurrent.ThreadPoolExecutor* function:runWorker category=threadbase
module:android.os.* function:call category=threadbase
module:android.app.ActivityThread function:main category=threadbase
module:android.view.View function:layout category=threadbase
module:android.os.Looper function:loop category=threadbase
module:android.os.Handler function:dispatchMessage category=threadbase
module:android.os.Handler function:handleCallback category=threadbase
module:android.app.ActivityThread* function:handleMessage category=threadbase
module:java.lang.reflect.* category=indirection
module:java.lang.Class function:getMethod category=indirection
module:androidx.work.impl.utils.ForceStopRunnable category=indirection
module:cn.gundam.sdk.* category=telemetry
module:com.lenovo.payplus.analytics.* category=telemetry
module:java.lang.System function:loadLibrary category=load
module:java.lang.Runtime function:loadLibrary* category=load
category:system -app
category:threadbase -group v-group
category:telemetry -group
category:indirection -group
category:internals -group
[ !category:system ] | category:system | [ !category:system ] category=indirection
[ category:system ] | category:system category=internals
[ category:std ] | category:system category=internals
[ category:std ] | category:std category=internals
[ category:ui ] | category:ui category=internals
[ category:ui ] | category:system category=internals
[ category:internals ] | category:system category=internals
[ category:internals ] | category:ui category=internals
[ category:load ] | category:system category=internals
[ category:load ] | category:load category=internals
path:**/vendor/** -app
path:**/site-packages/** -app
path:**/dist-packages/** -app
path:**/node_modules/** -app
module:unpkg/** -app
path:**https://unpkg.com/** -app
path:**https://cdnjs.cloudflare.com/** -app
path:**https://cdn.jsdelivr.net/** -app
path:**https://esm.run/** -app
family:javascript function:reportError ^-app -app
module:@babel/** -app -group
module:core-js/** -app -group
module:regenerator-runtime/** -app -group
module:tslib/** -app -group
family:javascript function:_callSuper -app -group
function:runMicrotasks -app -group
function:queueMicrotask -app -group
function:processTicksAndRejections -app -group
function:runNextTicks -app -group
function:nextTick -app -group
path:**/go/pkg/mod/** -app
module:akka.* category=framework
module:com.fasterxml.* category=framework
module:com.microsoft.* category=framework
module:com.sun.* category=framework
module:feign.* category=framework
module:io.opentelemetry.* category=framework
module:io.sentry.* category=framework -group
module:jdk.* category=framework
module:oauth.* category=framework
module:org.apache.* category=framework
module:org.glassfish.* category=framework
module:org.jboss.* category=framework
module:org.jdesktop.* category=framework
module:org.postgresql.* category=framework
module:org.springframework.* category=framework
module:org.web3j.* category=framework
module:reactor.core.* category=framework
module:scala.* category=framework
module:sun.* category=framework
category:framework -app
module:kotlin.* -app
module:kotlinx.* -app
module:io.ktor.* -app
module:io.netty.* -app
module:newrelic -app -group
path:**/*newrelic*/** -app -group
path:**/*LogRocket*/** -app -group
"""

_BUILTIN_STACKTRACE_RULES = parse_stacktrace_rules(_BUILTIN_STACKTRACE_RULES_TEXT)


@lru_cache(maxsize=64)
def get_rules(project_rules_text: str | None) -> Rules:
    return Rules(_BUILTIN_STACKTRACE_RULES + parse_stacktrace_rules(project_rules_text))
