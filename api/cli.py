"""`dregs serve`, `dregs run projections|scoring|worker`, `dregs projections rebuild`, `dregs teams …`."""

import argparse
import dataclasses
import logging
import os
import signal
import sys
import threading

from adapters.bootstrap import start_container
from adapters.settings import MIN_DB_POOL_SIZE, SettingsError, load_settings
from adapters.startup import ServiceUnavailable
from api import cli_audit, cli_demo, cli_teams
from projections.projection_status import failures

# Exit statuses besides 0: the configuration is wrong (fix it and start again), or a service
# did not answer within DREGS_START_TIMEOUT_SECONDS (a supervisor may simply restart).
CONFIGURATION_ERROR = 2
SERVICE_UNAVAILABLE = 1


def _serve(args: argparse.Namespace) -> None:
    import uvicorn

    settings = load_settings()
    # Wait for the services and create the schemas before any worker starts: a worker that fails
    # its start makes uvicorn stop them all.
    start_container(settings, redis_needed=True).close()
    factory = "api.app:create_app_without_runners" if args.no_runners else "api.app:create_app"
    uvicorn.run(
        factory,
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers,
        proxy_headers=False,
        ssl_certfile=args.tls_cert or os.environ.get("DREGS_TLS_CERT"),
        ssl_keyfile=args.tls_key or os.environ.get("DREGS_TLS_KEY"),
        server_header=False,
        log_level=args.log_level,
        access_log=args.access_log,
    )


def _run_worker() -> None:
    """The arq worker: tries deliveries from Redis, and sweeps the pending ones from the database."""
    from adapters.alerting.worker import build_worker

    settings = load_settings()
    if not settings.redis_url:
        raise SettingsError("dregs run worker needs REDIS_URL (without it, the web process delivers in-process)")
    container = start_container(settings, redis_needed=True)
    try:
        logging.info("trying deliveries from Redis; stop with SIGTERM")
        build_worker(container).run()  # arq handles SIGTERM and SIGINT
    finally:
        container.close()


def _run(args: argparse.Namespace) -> None:
    if args.what == "worker":
        _run_worker()
        return
    container = start_container(load_settings())
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if args.what == "projections":
        for runner in container.runners:
            # Nobody in this process waits to read, so poll less often and project larger batches; but a
            # decision inside a request waits for its event in the tracking log, a batch and a half on average.
            runner.poll_interval = args.tracking_poll_interval if runner.name == "tracking" else args.poll_interval
        container.start_runners()
        logging.info("following the event logs; stop with SIGTERM")
    else:
        # Cycles are background work: the web's requests (ingestion, decisions inside a request) come first
        # when the processes share cores. The scoring of one identity inside a request runs in the web.
        os.nice(container.settings.scoring_nice)
        # The rules are applied in the scoring process: right after its cycles, and without a process more.
        container.start_engine()
        container.start_alerting()
        logging.info("scoring identities as their inputs change, and applying the team's rules; stop with SIGTERM")
    stop.wait()
    container.close()


def _rebuild(_: argparse.Namespace) -> None:
    """Every event is applied again, those recorded as failed included; any that still fail are
    listed, and the exit status is 1, since the read models still lack them."""
    # It runs next to the deployment's processes and projects one batch at a time: the smallest
    # pools leave the connections to them.
    container = start_container(dataclasses.replace(load_settings(), db_pool_size=MIN_DB_POOL_SIZE))
    try:
        for name, position in container.rebuild_read_models().items():
            print(f"{name}: rebuilt up to notification {position}")
        with container.views.connect() as conn:
            still_failing = failures(conn)
    finally:
        container.close()
    for f in still_failing:
        print(
            f"{f['projection']}: notification {f['notification_id']} ({f['topic']}) could not be applied: {f['error']}",
            file=sys.stderr,
        )
    if still_failing:
        sys.exit(1)


def _process_name(args: argparse.Namespace) -> str:
    if args.command == "serve":
        return "dregs-web"
    if args.command == "run":
        return f"dregs-{args.what}"
    action = getattr(args, "action", None)
    return f"dregs-{args.command}-{action}" if action else f"dregs-{args.command}"


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="dregs", description="Dregs fraud detection")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the web app (embedded default: everything in-process)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--tls-cert", help="PEM certificate: serve HTTPS directly (or set DREGS_TLS_CERT)")
    serve.add_argument("--tls-key", help="PEM private key (or set DREGS_TLS_KEY)")
    serve.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    serve.add_argument("--access-log", action="store_true", help="log every request (off: the proxy usually does)")
    serve.add_argument("--no-runners", action="store_true", help="projections run in another process")
    serve.set_defaults(func=_serve)
    run = commands.add_parser("run", help="run a background process")
    run.add_argument("what", choices=["projections", "scoring", "worker"])
    run.add_argument("--poll-interval", type=float, default=0.1, help="seconds between polls of the logs")
    run.add_argument(
        "--tracking-poll-interval", type=float, default=0.025, help="seconds between polls of the tracking log"
    )
    run.set_defaults(func=_run)
    projections = commands.add_parser("projections", help="manage read models")
    projections.add_argument("action", choices=["rebuild"])
    projections.set_defaults(func=_rebuild)
    cli_teams.add_commands(commands)
    cli_audit.add_commands(commands)
    cli_demo.add_commands(commands)
    args = parser.parse_args(argv)
    # Names the process's connections in pg_stat_activity.application_name (libpq reads PGAPPNAME),
    # so an operator sees which process holds them; uvicorn's workers inherit it.
    os.environ.setdefault("PGAPPNAME", _process_name(args))
    try:
        args.func(args)
    except SettingsError as exc:
        print(f"dregs: configuration error: {exc}", file=sys.stderr)
        sys.exit(CONFIGURATION_ERROR)
    except ServiceUnavailable as exc:
        print(f"dregs: {exc}", file=sys.stderr)
        sys.exit(SERVICE_UNAVAILABLE)


if __name__ == "__main__":
    main()
