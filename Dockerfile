# wanumbers: the Kaleyra BSP API, the Graph API and the emulator's control plane on one port.
#
#   docker build -t wanumbers .
#   docker run --rm -p 8080:8080 -v wanumbers-data:/data wanumbers
#
# Files only: CI has no Docker engine, so this image is not built there. tests/test_docker_files.py checks
# that the command, flags and WANUMBERS_* settings used here exist in the CLI.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WANUMBERS_HOST=0.0.0.0 \
    WANUMBERS_PORT=8080 \
    WANUMBERS_DATABASE_URL=sqlite:////data/wanumbers.db

WORKDIR /build
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir . \
    && python -m compileall -q "$(python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/wanumbers" \
    && rm -rf /build

# A system user without a login shell owns the store; nothing runs as root.
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin wanumbers \
    && mkdir -p /data && chown wanumbers:wanumbers /data
USER wanumbers
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080

# /readyz answers 200 once the store answers within 2 s and its migrations are at head, else 503
# (docs/operations.md). The slim image has no curl: Python's urllib does the probe.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/readyz', timeout=2)"]

CMD ["wanumbers", "serve"]
