#!/usr/bin/env python3
"""Rebuild testdata/prose/en.txt and es.txt from two Debian packages.

This script downloads nothing. Fetch and unpack the packages yourself, e.g.

    apt-get download r-cran-janeaustenr sword-text-sparv
    dpkg-deb -x r-cran-janeaustenr_1.0.0-1_all.deb austen
    dpkg-deb -x sword-text-sparv_2.60-1_all.deb sparv
    python3 make_prose.py austen sparv OUTDIR
    gzip -9n OUTDIR/en.txt OUTDIR/es.txt

en.txt = Pride and Prejudice + Northanger Abbey (Jane Austen, public domain),
read from the package's R lazy-load database (R serialization, XDR format).
es.txt = ten narrative books of the Reina-Valera 1909 Bible (public domain),
read from the SWORD zText module (zlib blocks + verse index), OSIS tags removed.
Standard library only.
"""
import gzip, html, os, re, struct, sys, textwrap, zlib, bz2, lzma


# ---- R serialization (subset: enough for character vectors and the .rdx index)
class RReader:
    def __init__(self, b):
        self.b, self.p, self.refs = b, 0, []
        self.names = None  # 'names' attribute of the last vector read

    def i(self):
        v = struct.unpack('>i', self.b[self.p:self.p + 4])[0]
        self.p += 4
        return v

    def top(self):
        assert self.b[:2] == b'X\n', 'not XDR serialization'
        self.p = 2
        ver = self.i(); self.i(); self.i()
        if ver == 3:
            n = self.i(); self.p += n  # native encoding name
        return self.item()

    def item(self):
        f = self.i(); t = f & 0xff
        hasattr_, hastag = f & (1 << 9), f & (1 << 10)
        if t in (254, 242, 253, 251):  # NULL, empty env, global env, missing arg
            return None
        if t == 255:  # reference to an earlier symbol
            return self.refs[(f >> 8) - 1]
        if t == 1:  # symbol
            v = ('sym', self.item()); self.refs.append(v)
            return v
        if t == 9:  # CHARSXP
            n = self.i()
            if n == -1:
                return None
            v = self.b[self.p:self.p + n].decode('utf-8', 'replace'); self.p += n
            return v
        if t == 2:  # pairlist
            out = []
            while True:
                if hasattr_: self.item()
                tag = self.item() if hastag else None
                out.append((tag, self.item()))
                f = self.i(); t = f & 0xff
                hasattr_, hastag = f & (1 << 9), f & (1 << 10)
                if t == 254: break
            return out
        n = self.i()
        if t in (16, 19):  # STRSXP, VECSXP
            v = [self.item() for _ in range(n)]
        elif t in (10, 13):  # LGLSXP, INTSXP
            v = list(struct.unpack('>%di' % n, self.b[self.p:self.p + 4 * n])); self.p += 4 * n
        elif t == 14:  # REALSXP
            v = list(struct.unpack('>%dd' % n, self.b[self.p:self.p + 8 * n])); self.p += 8 * n
        else:
            raise ValueError('unsupported SEXP type %d' % t)
        if hasattr_:
            for tag, val in self.item():
                if tag == ('sym', 'names'):
                    return NamedVector(v, val)
        return v


class NamedVector(list):
    def __init__(self, values, names):
        super().__init__(values)
        self.names = names


def austen(pkgroot):
    base = os.path.join(pkgroot, 'usr/lib/R/site-library/janeaustenr/data/Rdata')
    idx = RReader(gzip.decompress(open(base + '.rdx', 'rb').read())).top()
    variables = idx[idx.names.index('variables')]  # named list of (offset, length)
    db = open(base + '.rdb', 'rb').read()
    books = {}
    for name, (off, ln) in zip(variables.names, variables):
        chunk = db[off:off + ln]
        body = chunk[4:]
        compressed = idx[idx.names.index('compressed')][0]
        if compressed in (2, 3):  # type byte, then bzip2/xz/zlib/none
            kind, body = body[:1], body[1:]
            raw = {b'Z': zlib.decompress, b'2': bz2.decompress,
                   b'X': lzma.decompress, b'0': lambda x: x}[kind](body)
        else:  # compress=TRUE: plain zlib after the 4-byte length
            raw = zlib.decompress(body)
        lines = RReader(raw).top()
        books[name] = '\n'.join('' if x is None else x for x in lines) + '\n'
    return books['prideprejudice'] + books['northangerabbey']


# ---- SWORD zText module
def sword_verses(moddir, testament):
    rd = lambda ext: open(os.path.join(moddir, testament + ext), 'rb').read()
    bzs, bzz, bzv = rd('.bzs'), rd('.bzz'), rd('.bzv')
    cache = {}
    def block(i):
        if i not in cache:
            o, s, _ = struct.unpack('<III', bzs[i * 12:i * 12 + 12])
            cache[i] = zlib.decompress(bzz[o:o + s])
        return cache[i]
    for k in range(len(bzv) // 10):
        b, o, s = struct.unpack('<IIH', bzv[k * 10:k * 10 + 10])
        yield block(b)[o:o + s].decode('utf-8', 'replace') if s else ''


SPANISH_BOOKS = ['Génesis', 'Éxodo', 'Josué', 'Jueces', 'Rut', '1 Samuel',
                 '2 Samuel', 'Ester', 'San Mateo', 'Hechos']


def reina_valera(pkgroot):
    moddir = os.path.join(pkgroot, 'usr/share/sword/modules/texts/ztext/spaRV1909eb')
    books = []
    for t in ('ot', 'nt'):
        cur = None
        for v in sword_verses(moddir, t):
            m = re.search(r'<title[^>]*>(.*?)</title>', v)
            if m:
                cur = [re.sub(r'<[^>]+>', '', m.group(1)).strip(), []]
                books.append(cur)
                v = v[m.end():]
            if re.search(r'<chapter[^>]*sID=', v):
                cur[1].append([])
            txt = html.unescape(re.sub(r'<[^>]+>', '', v))
            txt = re.sub(r'\s+', ' ', txt).strip()
            if txt and cur and cur[1]:
                cur[1][-1].append(txt)
    by = {b[0]: b for b in books}
    out = []
    for name in SPANISH_BOOKS:
        title, chapters = by[name]
        out += [title.upper(), '']
        for c in chapters:
            p = re.sub(r' ([,.;:!?])', r'\1', ' '.join(c))
            out += [textwrap.fill(p, 72), '']
    return '\n'.join(out) + '\n'


if __name__ == '__main__':
    if len(sys.argv) != 4:
        sys.exit('usage: make_prose.py JANEAUSTENR_ROOT SPARV_ROOT OUTDIR')
    a, s, outdir = sys.argv[1:]
    os.makedirs(outdir, exist_ok=True)
    open(os.path.join(outdir, 'en.txt'), 'w', encoding='utf-8').write(austen(a))
    open(os.path.join(outdir, 'es.txt'), 'w', encoding='utf-8').write(reina_valera(s))
