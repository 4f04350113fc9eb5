"""Draw the app icons (192, 512 and a maskable 512) from the shapes of static/img/logo.svg.

Run once, by hand, when the logo changes: ``.venv/bin/python static/img/icons/make_icons.py``.
Pillow draws the same circles and half-discs as the SVG at eight times the size and scales
down, so no SVG renderer (cairo, ImageMagick, a browser) is needed to rebuild them.
"""

from pathlib import Path

from PIL import Image, ImageDraw

WINE = "#8a1538"
SOFT = "#f2c4d1"
WHITE = "#ffffff"
SUPERSAMPLE = 8
HERE = Path(__file__).parent


def draw_logo(draw: ImageDraw.ImageDraw, unit: float, left: float, top: float) -> None:
    """The people of logo.svg, in its 48-unit grid scaled by ``unit`` pixels."""

    def xy(x, y):
        return left + x * unit, top + y * unit

    def disc(cx, cy, r, fill, outline=None, width=0):
        (x0, y0), (x1, y1) = xy(cx - r, cy - r), xy(cx + r, cy + r)
        draw.ellipse([x0, y0, x1, y1], fill=fill, outline=outline, width=width)

    def half_disc(cx, cy, r, fill, outline=None, width=0):
        (x0, y0), (x1, y1) = xy(cx - r, cy - r), xy(cx + r, cy + r)
        draw.pieslice([x0, y0, x1, y1], 180, 360, fill=fill, outline=outline, width=width)

    stroke = round(2 * unit)
    disc(11.5, 20, 4.5, SOFT)
    disc(36.5, 20, 4.5, SOFT)
    half_disc(11.5, 38, 8, SOFT)
    half_disc(36.5, 38, 8, SOFT)
    disc(24, 15.5, 6 + 1, WINE)
    disc(24, 15.5, 6, WHITE, WINE, stroke // 2)
    half_disc(24, 39, 12 + 1, WINE)
    half_disc(24, 39, 12, WHITE, WINE, stroke // 2)


def icon(size: int, maskable: bool) -> Image.Image:
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        # Full bleed: the platform cuts its own shape; the people stay in the safe circle.
        draw.rectangle([0, 0, big, big], fill=WINE)
        scale = 0.7
    else:
        draw.rounded_rectangle([0, 0, big - 1, big - 1], radius=big * 11 / 48, fill=WINE)
        scale = 1.0
    unit = big * scale / 48
    offset = (big - 48 * unit) / 2
    draw_logo(draw, unit, offset, offset)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    icon(192, maskable=False).save(HERE / "icon-192.png", optimize=True)
    icon(512, maskable=False).save(HERE / "icon-512.png", optimize=True)
    icon(512, maskable=True).save(HERE / "icon-maskable-512.png", optimize=True)


if __name__ == "__main__":
    main()
