#!/usr/bin/env python3
"""Pick the section (a) sentences of testdata/labeled/{en,es}/neutral.tsv.

usage: extract_sentences.py PROSE.txt N en|es OUT.txt
PROSE.txt is en.txt or es.txt as written by make_prose.py (or gunzipped from
testdata/prose). Picks N sentences or short paragraphs of 8-60 words with a fixed
seed, limiting repeated first words and over-represented lengths so that the
selection is varied. Downloads nothing; standard library only.
"""
import re, random, sys, collections
def paras(path):
    txt=open(path,encoding='utf-8').read()
    for p in re.split(r'\n\s*\n',txt):
        p=re.sub(r'\s+',' ',p).strip()
        if p: yield p
ABBR=r'(?<!\bMr)(?<!\bMrs)(?<!\bDr)(?<!\bSt)(?<!\bMessrs)(?<!\bMiss)'
def sentences(p):
    parts=re.split(r'(?<=[.!?])(?<!\bMr\.)(?<!\bMrs\.)(?<!\bDr\.)(?<!\bSt\.)["\u201d]?\s+(?=["\u201c¿¡]?[A-ZÁÉÍÓÚÑ])',p)
    return [x.strip() for x in parts if x.strip()]
def clean(s):
    s=s.replace('_','').replace('\t',' ')
    s=re.sub(r'\s+',' ',s).strip()
    # balance quotes: drop a dangling leading/trailing double quote
    if s.count('"')%2==1:
        if s.startswith('"'): s=s[1:]
        elif s.endswith('"'): s=s[:-1]
        else: s=s.replace('"','')
    return s.strip()
def pick(path,n,seed,kind):
    cands=[]
    for p in paras(path):
        if p.isupper() or p.startswith('CHAPTER') or re.match(r'^(Chapter|CHAPTER|CAPÍTULO)\b',p): continue
        w=len(p.split())
        if 8<=w<=60 and kind=='en': cands.append(clean(p))
        for s in sentences(p):
            s=clean(s); w=len(s.split())
            if 8<=w<=60 and s not in cands: cands.append(s)
    cands=sorted(set(c for c in cands if len(c)>20 and not c.isupper()))
    random.Random(seed).shuffle(cands)
    out=[]; first=collections.Counter(); lens=collections.Counter()
    for c in cands:
        fw=c.split()[0].strip('"¿¡').lower()
        b=min(len(c.split())//10,5)
        if first[fw]>=max(3,n//25): continue
        if lens[b]>=n*0.3: continue
        first[fw]+=1; lens[b]+=1; out.append(c)
        if len(out)>=n: break
    return out
if __name__=='__main__':
    path,n,kind,outp=sys.argv[1],int(sys.argv[2]),sys.argv[3],sys.argv[4]
    res=[r for r in pick(path,n,20240501,kind) if not r.startswith("\"--")]
    open(outp,'w').write('\n'.join(res)+'\n')
    print(len(res))
