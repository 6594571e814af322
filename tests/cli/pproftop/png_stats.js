// node png_stats.js FILE: print "WIDTH HEIGHT INKED COLOURS" for an
// 8-bit RGB or RGBA PNG (what Chromium's --screenshot writes): INKED is
// the number of pixels that are not near-white, COLOURS the number of
// distinct colours. Used to tell a rendered picture from a blank page.
'use strict';
const fs = require('fs');
const zlib = require('zlib');

const buf = fs.readFileSync(process.argv[2]);
if (buf.toString('latin1', 1, 4) !== 'PNG') throw new Error('not a PNG');
let off = 8, width = 0, height = 0, depth = 0, ctype = 0;
const idat = [];
while (off < buf.length) {
    const len = buf.readUInt32BE(off), type = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
        width = data.readUInt32BE(0); height = data.readUInt32BE(4);
        depth = data[8]; ctype = data[9];
    } else if (type === 'IDAT') {
        idat.push(data);
    }
    off += 12 + len;
}
if (depth !== 8 || (ctype !== 2 && ctype !== 6)) throw new Error('unsupported PNG');
const bpp = ctype === 6 ? 4 : 3, stride = width * bpp;
const raw = zlib.inflateSync(Buffer.concat(idat));
const img = Buffer.alloc(height * stride);
for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)], src = y * (stride + 1) + 1, dst = y * stride;
    for (let x = 0; x < stride; x++) {
        const a = x >= bpp ? img[dst + x - bpp] : 0;
        const b = y > 0 ? img[dst - stride + x] : 0;
        const c = x >= bpp && y > 0 ? img[dst - stride + x - bpp] : 0;
        let v = raw[src + x];
        if (f === 1) v += a;
        else if (f === 2) v += b;
        else if (f === 3) v += (a + b) >> 1;
        else if (f === 4) {
            const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
            v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }
        img[dst + x] = v & 255;
    }
}
let inked = 0;
const colours = new Set();
for (let i = 0; i < img.length; i += bpp) {
    const r = img[i], g = img[i + 1], b = img[i + 2];
    if (r < 240 || g < 240 || b < 240) inked++;
    colours.add((r << 16) | (g << 8) | b);
}
console.log(width, height, inked, colours.size);
