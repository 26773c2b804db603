"""Render resources/icon.svg into the per-platform icon files the installers need.

    python build_spec/make_icons.py

Writes resources/icon.png (256 px, Linux desktop entry and the window icon),
resources/icon.ico (Windows: 16-256 px) and resources/icon.icns (macOS: 16-1024 px).
Qt's SVG renderer draws each size (so small sizes stay crisp, not downscaled), Pillow
writes the .ico and .icns containers. Run it after editing icon.svg and commit the results.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]
ICNS_SIZES = [16, 32, 64, 128, 256, 512, 1024]


def render(renderer: QSvgRenderer, size: int) -> Image.Image:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return Image.open(io.BytesIO(bytes(data))).convert("RGBA")


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(RESOURCES / "icon.svg"))
    if not renderer.isValid():
        print("icon.svg is not a valid SVG", file=sys.stderr)
        return 1
    images = {size: render(renderer, size) for size in sorted(set(ICO_SIZES + ICNS_SIZES))}

    images[256].save(RESOURCES / "icon.png", optimize=True)
    biggest = images[256]
    biggest.save(
        RESOURCES / "icon.ico",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[images[s] for s in ICO_SIZES if s != 256],
    )
    images[1024].save(
        RESOURCES / "icon.icns", append_images=[images[s] for s in ICNS_SIZES if s != 1024]
    )
    for name in ("icon.png", "icon.ico", "icon.icns"):
        print(f"wrote resources/{name} ({(RESOURCES / name).stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
