# arena-tui recipes. The runbook's names come first; `just --list` shows them all.
# Recipes run the tools of the active virtualenv (`pip install -e '.[dev]'`).
set dotenv-load

default:
    @just --list

# Start the arena's Redis (docker-compose.yml) and wait until its healthcheck passes.
arena-infra-up:
    docker compose up -d --wait

# Show the Redis container and its health.
arena-infra-status:
    docker compose ps

# Stop Redis; the redis-data volume (every stored run) is kept.
arena-infra-down:
    docker compose down

# Stop Redis AND DELETE the redis-data volume: every run stored in Redis is gone for good.
arena-infra-nuke:
    docker compose down -v

# Follow the Redis container's log.
arena-infra-logs:
    docker compose logs -f --tail 200 redis

# A short synthetic run through the configured broker, read back and checked (prints OK/FAILED).
arena-smoke:
    arena-tui smoke

# Print the export lines for Redis, password included: eval "$(just arena-broker-redis-env)".
arena-broker-redis-env:
    @arena-tui redis-env

# The app on the built-in synthetic arena (no server needed).
demo:
    arena-tui demo

# The app in a browser: one app per tab, on http://127.0.0.1:8000 (Ctrl-C stops them all).
serve *ARGS:
    arena-tui serve {{ARGS}}

# The test suite (starts its own Redis server; never touches the one on 6379).
test *ARGS:
    pytest {{ARGS}}

# Lint, format check and strict type check, as CI runs them.
lint:
    ruff check .
    ruff format --check .
    mypy

# Benchmarks; they print a table (see README "Performance").
bench *ARGS:
    python -m bench {{ARGS}}

# The README's Performance table and bench/results/history.svg, from the recorded bench runs.
bench-readme:
    python -m bench.readme

# Soak under chaos: faults from a seeded schedule, every seq checked (see README "Reliability").
soak *ARGS:
    python -m soak {{ARGS}}
