#!/usr/bin/env python3
"""Removes TrueType hinting from the shipped fonts (fontTools).

Usage: python3 fonts/dehint.py fonts/Laksaman*.ttf   (rewrites the files in place)

Why: more than half of Laksaman's glyph data is hinting instructions (glyf 83 kB,
of which a Thai + ASCII subset is 62 kB with them and 29 kB without). Every PDF
embeds a subset of the font, deflated per letter: without the instructions the
PDF is ~40 kB smaller and its export does half the compression work. PDF viewers
and printers rasterize with their own hinting or none; outlines, advances, cmap,
GSUB and GPOS are left as they are, so every line breaks where it did.
"""
import sys

from fontTools.ttLib import TTFont

for path in sys.argv[1:]:
    font = TTFont(path)
    for table in ("fpgm", "prep", "cvt ", "hdmx", "LTSH", "VDMX"):
        if table in font:
            del font[table]
    glyf = font["glyf"]
    for name in glyf.keys():
        glyf[name].removeHinting()
    maxp = font["maxp"]
    maxp.maxSizeOfInstructions = 0
    maxp.maxFunctionDefs = 0
    maxp.maxInstructionDefs = 0
    maxp.maxStorage = 0
    maxp.maxTwilightPoints = 0
    maxp.maxZones = 1
    font.save(path)
    print(f"{path}: hinting removed")
