"""Loaded only into the soak's app processes (``PYTHONPATH`` points here).

Every 5 s it writes the number of asyncio tasks of the app's event loop to
``$SOAK_PROBE_DIR/<pid>.json``, with how many run each coroutine (by qualified name: which
kind piles up), counted in the loop's own thread (``call_soon_threadsafe``):
the app cannot be asked from outside how many tasks it runs. When the file
``<pid>.dump`` appears, it writes every thread's stack and every task's stack to
``<pid>.stacks`` (how the soak shows where an app hangs). It changes nothing else.
"""

import asyncio
import contextlib
import faulthandler
import io
import json
import os
import threading
import time

_DIR = os.environ.get("SOAK_PROBE_DIR")


def _install() -> None:
    loops = []
    policy = asyncio.get_event_loop_policy()
    original = policy.new_event_loop

    def new_event_loop():  # type: ignore[no-untyped-def]
        loop = original()
        loops.append(loop)
        return loop

    policy.new_event_loop = new_event_loop  # type: ignore[method-assign]
    base = os.path.join(_DIR, str(os.getpid()))

    def count() -> None:
        tasks = asyncio.all_tasks()
        names: dict[str, int] = {}
        for task in tasks:
            coro = task.get_coro()
            name = getattr(coro, "__qualname__", None) or task.get_name()
            names[name] = names.get(name, 0) + 1
        with open(base + ".tmp", "w") as out:
            json.dump({"tasks": len(tasks), "names": names, "at": time.monotonic()}, out)
        os.replace(base + ".tmp", base + ".json")

    def task_stacks() -> None:
        text = io.StringIO()
        for task in asyncio.all_tasks():
            text.write(f"--- {task!r}\n")
            task.print_stack(file=text)
        with open(base + ".tasks", "w") as out:
            out.write(text.getvalue())

    def poll() -> None:
        ticks = 0
        while True:
            time.sleep(0.5)
            ticks += 1
            if os.path.exists(base + ".dump"):
                os.remove(base + ".dump")
                with open(base + ".stacks", "w") as out:
                    faulthandler.dump_traceback(out, all_threads=True)
                for loop in list(loops):
                    if not loop.is_closed():
                        with contextlib.suppress(RuntimeError):
                            loop.call_soon_threadsafe(task_stacks)
            if ticks % 10:
                continue
            for loop in list(loops):
                if loop.is_running():
                    with contextlib.suppress(RuntimeError):
                        loop.call_soon_threadsafe(count)

    threading.Thread(target=poll, name="soak-probe", daemon=True).start()


if _DIR:
    _install()
