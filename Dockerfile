# LeaveBot's image: `docker build -t leavebot .`
#
# The builder stage installs the package and its dependencies into a virtualenv; the final stage
# copies only that virtualenv onto a slim Python, runs as an unprivileged user, migrates the
# database and then serves (see deploy/entrypoint.sh). Configuration comes from the environment
# (README, "Configuration"); nothing secret is baked into the image.

FROM python:3.12-slim AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/leavebot
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY core ./core
COPY storage ./storage
COPY scheduler ./scheduler
# The sentry extra is included so that setting SENTRY_DSN is all it takes to report errors.
RUN /opt/leavebot/bin/pip install ".[sentry]"

FROM python:3.12-slim
ENV PATH=/opt/leavebot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOST=0.0.0.0 \
    PORT=3978
RUN groupadd --system --gid 10001 leavebot \
    && useradd --system --uid 10001 --gid leavebot --home-dir /var/lib/leavebot --create-home \
       --shell /usr/sbin/nologin leavebot
COPY --from=builder /opt/leavebot /opt/leavebot
COPY deploy/entrypoint.sh /usr/local/bin/leavebot-entrypoint
COPY manifests /var/lib/leavebot/manifests
RUN chmod 0755 /usr/local/bin/leavebot-entrypoint
# The working directory is the user's own: `leavebot teams-package` finds manifests/ here, and a
# SQLite DATABASE_URL (demo only) can write its file.
WORKDIR /var/lib/leavebot
USER leavebot:leavebot
EXPOSE 3978
# slim has no curl: ask /health with Python's own urllib (a 503 raises, so the check fails).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('PORT', '3978'), timeout=4)"
ENTRYPOINT ["leavebot-entrypoint"]
