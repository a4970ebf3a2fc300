"""Scratch variants of the user-theme scorer (session curr, 2026-12-07), kept to reproduce the
"also tried" figures of models/themes/README.md. Same protocol as ``user_theme_check.py --tune``:
examples from the newer training narratives scored on the older ones, and examples from all
training narratives scored on dev; 5 draws; mean F1 over the ten themes. Part 1: Rocchio (centroid
minus the corpus mean), max similarity over 12-lemma windows, mean of the two nearest examples.
Part 2: whitening by the stored covariance, the margin against the other themes' centroids.
Part 3: the margin with the left-out theme's own centroid kept in (a leader's theme that restates
a codebook theme), the cosine cut ``MARGIN_MAX_COS``, and an orthogonalised margin.
A quick harness (module-level code), not a library.

    .venv/bin/python evaluation/user_theme_variants.py [--cache LEMMA_CACHE.json]
"""
import sys, itertools, time
from pathlib import Path
import numpy as np
ROOT=Path('.').resolve(); sys.path.insert(0,str(ROOT/'evaluation'))
import user_theme_check as U
from sklearn.preprocessing import normalize
from sklearn.decomposition import TruncatedSVD
from narrativ_nlp.themes.codebook import ThemeCodebook
from narrativ_nlp.themes.tagger import make_features
from narrativ_nlp.themes.user_themes import _lemmatise, fit_theme_space
cache=Path(sys.argv[sys.argv.index('--cache')+1]) if '--cache' in sys.argv else None
train,train_lem=U.load([ROOT/'corpora/narratives.train.jsonl'],cache)
dev,dev_lem=U.load([ROOT/'corpora/narratives.dev.jsonl'],cache)
features=make_features((2,5)).fit(train_lem); words=features.transformer_list[0][1]
space=fit_theme_space(train_lem,features)
older=[i for i,r in enumerate(train) if r.id[:2] in ('n1','n2','n3','n4','n5')]
newer=[r for r in train if r.id[:2] not in ('n1','n2','n3','n4','n5')]
themes=ThemeCodebook.default().themes
sets={'train-older':([train[i] for i in older],[train_lem[i] for i in older],newer),'dev':(dev,dev_lem,train)}
def z(x): s=x.std(); return (x-x.mean())/s if s>1e-12 else x*0
def f1(g,p):
    tp=np.sum(g&p); return 2*tp/(g.sum()+p.sum()) if tp else 0.0
bgmean_w=normalize(np.asarray(normalize(features.transform(train_lem)).mean(axis=0)))
Ltrain=space.project(words.transform(train_lem)); bgmean_t=normalize(Ltrain.mean(axis=0,keepdims=True))
def windows(text,w=12,s=6):
    t=text.split()
    if len(t)<=w: return [text]
    return [' '.join(t[i:i+w]) for i in range(0,len(t)-w+s,s)]
cov=space.cov; mu=space.mean
# other-theme centroids from training labels (topic space), per left-out theme
Ltr=space.project(words.transform(train_lem))
def cents(excl):
    out=[]
    for t in themes:
        if excl is not None and t.id==excl: continue
        m=np.array([t.id in r.themes for r in train]); out.append(normalize(Ltr[m].mean(0,keepdims=True)))
    return np.vstack(out)
CE={t.id:cents(t.id) for t in themes}
CALL=cents(None)
print('# part 1')
for sname,(held,hl,expool) in sets.items():
    V=normalize(features.transform(hl)); L=space.project(words.transform(hl))
    # windows
    win=[windows(x) for x in hl]; flat=[w for ws in win for w in ws]; owner=np.repeat(np.arange(len(hl)),[len(ws) for ws in win])
    VW=normalize(features.transform(flat)); LW=space.project(words.transform(flat))
    Q={}
    for t in themes:
        about=_lemmatise([f"{t.label}. {t.description}"])[0]; seeds=_lemmatise([", ".join(t.seeds)])[0]
        for d in range(5):
            ex=[e for e in _lemmatise(U.example_sentences(expool,t.id,5,d))+[about,seeds] if e.strip()]
            Xw=normalize(features.transform(ex)); Xt=space.project(words.transform(ex))
            Q[(t.id,d)]=(Xw,Xt)
    def run(fn,zc):
        per=[]
        for t in themes:
            g=np.array([t.id in r.themes for r in held])
            per.append(np.mean([f1(g, fn(*Q[(t.id,d)])>=zc) for d in range(5)]))
        return float(np.mean(per)),per
    def base(Xw,Xt,wl=0.7,beta=0.0,betat=0.0):
        c=normalize(np.asarray(Xw.mean(axis=0))-beta*bgmean_w); ct=normalize(Xt.mean(axis=0,keepdims=True)-betat*bgmean_t)
        return z((1-wl)*z(np.asarray(V@c.T).ravel())+wl*z((L@ct.T).ravel()))
    def winmax(Xw,Xt,wl=0.7,mix=0.5,betat=0.0):
        c=normalize(np.asarray(Xw.mean(axis=0))); ct=normalize(Xt.mean(axis=0,keepdims=True)-betat*bgmean_t)
        sw=np.asarray(VW@c.T).ravel(); st=(LW@ct.T).ravel()
        mw=np.full(len(hl),-9.); mt=np.full(len(hl),-9.)
        np.maximum.at(mw,owner,sw); np.maximum.at(mt,owner,st)
        doc=(1-wl)*z(np.asarray(V@c.T).ravel())+wl*z((L@ct.T).ravel())
        w=(1-wl)*z(mw)+wl*z(mt)
        return z((1-mix)*z(doc)+mix*z(w))
    def nearest(Xw,Xt,wl=0.7,mix=0.5):
        # mean of top-2 example similarities vs centroid
        sw=np.asarray((V@Xw.T).todense() if hasattr(V@Xw.T,'todense') else V@Xw.T); st=L@Xt.T
        k=2; tw=np.sort(sw,axis=1)[:,-k:].mean(1); tt=np.sort(st,axis=1)[:,-k:].mean(1)
        return z((1-mix)*base(Xw,Xt,wl)+mix*z((1-wl)*z(tw)+wl*z(tt)))
    rows=[]
    for zc in (0.25,0.5,0.75):
        rows.append((f'base z{zc}',*run(base,zc)))
        for b in (0.5,1.0):
            rows.append((f'rocchio topic beta{b} z{zc}',*run(lambda a,bb,b=b:base(a,bb,betat=b),zc)))
            rows.append((f'rocchio both beta{b} z{zc}',*run(lambda a,bb,b=b:base(a,bb,beta=b,betat=b),zc)))
        for mix in (0.3,0.5,0.7):
            rows.append((f'winmax mix{mix} z{zc}',*run(lambda a,bb,m=mix:winmax(a,bb,mix=m),zc)))
            rows.append((f'nearest2 mix{mix} z{zc}',*run(lambda a,bb,m=mix:nearest(a,bb,mix=m),zc)))
    print('==',sname,len(held))
    for name,mean,per in sorted(rows,key=lambda r:-r[1])[:25]:
        print(f"{mean:.3f} worst {min(per):.3f} {name}",flush=True)

print('# part 2')
for sname,(held,hl,expool) in sets.items():
    V=normalize(features.transform(hl)); L=space.project(words.transform(hl))
    Q={}
    for t in themes:
        about=_lemmatise([f"{t.label}. {t.description}"])[0]; seeds=_lemmatise([", ".join(t.seeds)])[0]
        for d in range(5):
            ex=[e for e in _lemmatise(U.example_sentences(expool,t.id,5,d))+[about,seeds] if e.strip()]
            Q[(t.id,d)]=(normalize(features.transform(ex)),space.project(words.transform(ex)),t.id)
    def run(fn,zc):
        per=[]
        for t in themes:
            g=np.array([t.id in r.themes for r in held])
            per.append(np.mean([f1(g, fn(*Q[(t.id,d)])>=zc) for d in range(5)]))
        return float(np.mean(per)),per
    def tf(Xw): c=normalize(np.asarray(Xw.mean(axis=0))); return z(np.asarray(V@c.T).ravel())
    def base(Xw,Xt,tid,wl=0.7,betat=0.0):
        ct=normalize(Xt.mean(axis=0,keepdims=True)-betat*bgmean_t)
        return z((1-wl)*tf(Xw)+wl*z((L@ct.T).ravel()))
    def white(Xw,Xt,tid,wl=0.7,eps=0.01,mix=1.0):
        d=Xt.mean(0)-mu; w=np.linalg.solve(cov+eps*np.eye(len(mu)),d)
        ct=normalize(Xt.mean(axis=0,keepdims=True))
        topic=(1-mix)*z((L@ct.T).ravel())+mix*z(L@w)
        return z((1-wl)*tf(Xw)+wl*z(topic))
    def margin(Xw,Xt,tid,wl=0.7,lam=0.3):
        ct=normalize(Xt.mean(axis=0,keepdims=True)); s=(L@ct.T).ravel(); o=(L@CE[tid].T).max(1)
        return z((1-wl)*tf(Xw)+wl*z(s-lam*o))
    rows=[]
    for zc in (0.25,0.5,0.75):
        rows.append((f'base z{zc}',*run(base,zc)))
        rows.append((f'rocchio0.5 z{zc}',*run(lambda a,b,c:base(a,b,c,betat=0.5),zc)))
        for eps in (0.003,0.01,0.03,0.1):
          for mix in (0.5,1.0):
            rows.append((f'white eps{eps} mix{mix} z{zc}',*run(lambda a,b,c,e=eps,m=mix:white(a,b,c,eps=e,mix=m),zc)))
        for lam in (0.2,0.4,0.6):
            rows.append((f'margin lam{lam} z{zc}',*run(lambda a,b,c,l=lam:margin(a,b,c,lam=l),zc)))
    print('==',sname,len(held))
    for name,mean,per in sorted(rows,key=lambda r:-r[1])[:16]:
        print(f"{mean:.3f} worst {min(per):.3f} {name}",flush=True)

print('# part 3')
for sname,(held,hl,expool) in sets.items():
    V=normalize(features.transform(hl)); L=space.project(words.transform(hl))
    Q={}
    for t in themes:
        about=_lemmatise([f"{t.label}. {t.description}"])[0]; seeds=_lemmatise([", ".join(t.seeds)])[0]
        for d in range(5):
            ex=[e for e in _lemmatise(U.example_sentences(expool,t.id,5,d))+[about,seeds] if e.strip()]
            Q[(t.id,d)]=(normalize(features.transform(ex)),space.project(words.transform(ex)),t.id)
    def run(fn,zc):
        per=[]
        for t in themes:
            g=np.array([t.id in r.themes for r in held])
            per.append(np.mean([f1(g, fn(*Q[(t.id,d)])>=zc) for d in range(5)]))
        return float(np.mean(per)),per
    def tf(Xw): c=normalize(np.asarray(Xw.mean(axis=0))); return z(np.asarray(V@c.T).ravel())
    def base(Xw,Xt,tid,wl=0.7,betat=0.0):
        ct=normalize(Xt.mean(axis=0,keepdims=True)-betat*bgmean_t)
        return z((1-wl)*tf(Xw)+wl*z((L@ct.T).ravel()))
    def white(Xw,Xt,tid,wl=0.7,eps=0.01,mix=1.0):
        d=Xt.mean(0)-mu; w=np.linalg.solve(cov+eps*np.eye(len(mu)),d)
        ct=normalize(Xt.mean(axis=0,keepdims=True))
        topic=(1-mix)*z((L@ct.T).ravel())+mix*z(L@w)
        return z((1-wl)*tf(Xw)+wl*z(topic))
    def margin(Xw,Xt,tid,wl=0.7,lam=0.3):
        ct=normalize(Xt.mean(axis=0,keepdims=True)); s=(L@ct.T).ravel(); o=(L@CE[tid].T).max(1)
        return z((1-wl)*tf(Xw)+wl*z(s-lam*o))
    rows=[]
    def marg(Xw,Xt,tid,lam=0.6,mode='plain',allc=False,cap=1.01):
        ct=normalize(Xt.mean(axis=0,keepdims=True)); s=(L@ct.T).ravel()
        C=CALL if allc else CE[tid]
        C=C[(C@ct.ravel())<cap]
        if mode=='orth':
            C=C-(C@ct.ravel())[:,None]*ct
        o=(L@C.T).max(1) if len(C) else 0*s
        return z(0.3*tf(Xw)+0.7*z(s-lam*o))
    for allc in (False,True):
        for mode,cap in (('plain',1.01),('plain',0.85),('plain',0.75),('plain',0.7),('orth',1.01)):
            for lam in ((0.0,) if mode=='plain' and cap>1 else ())+(0.4,0.6,0.8):
                rows.append((f'allcentroids={allc} {mode} cap{cap} lam{lam}',*run(lambda a,b,c,l=lam,m=mode,al=allc,cp=cap:marg(a,b,c,l,m,al,cp),0.5)))
    cs=[]
    for t in themes:
        for d in range(5):
            ct=normalize(Q[(t.id,d)][1].mean(0,keepdims=True)); cs.append(float((ct@CALL[[x.id for x in themes].index(t.id)]).item()))
    print('cos of user centroid to its own codebook centroid', np.round(np.percentile(cs,[0,10,50,100]),3))
    print('==',sname,len(held))
    for name,mean,per in rows:
        print(f"{mean:.3f} worst {min(per):.3f} {name}",flush=True)
