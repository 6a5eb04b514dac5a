"""A helper for tests/test_crash.py: loads the pipeline once, then runs `sitroom ingest` in a forked
process for each request, so that each of many kills does not pay the model's load time again.

    python tests/support/crash_worker.py CONFIG    # then, one a line on stdin: {"args": [...], "log": PATH}

It answers "ready" once loaded, then "started PID" and "ended PID STATUS" for each run; the test kills
PID (SIGKILL) while it runs. Each forked process runs the real command: reading, pipeline and store.
"""

from __future__ import annotations

import json
import os
import sys

from sitroom import cli
from sitroom.pipeline import Pipeline
from sitroom.settings import load_settings


def main() -> None:
    loaded = Pipeline(load_settings(sys.argv[1]))
    _ = loaded.nlp
    cli._pipeline = lambda ctx: loaded  # the one change: the model is loaded already
    print("ready", flush=True)
    for line in sys.stdin:
        pid = os.fork()
        if pid == 0:
            _run(json.loads(line))
        print(f"started {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"ended {pid} {status}", flush=True)


def _run(request: dict) -> None:
    code = 0
    try:
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(log, 1)  # the command's output goes to the log, not into the answers on stdout
        os.dup2(log, 2)
        sys.stdout = os.fdopen(1, "w", closefd=False)
        sys.stderr = os.fdopen(2, "w", closefd=False)
        cli.main(request["args"], standalone_mode=True)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:  # noqa: B036 - whatever happens, the forked process must end here
        code = 3
    finally:
        sys.stdout.flush()
        os._exit(code)


if __name__ == "__main__":
    main()
