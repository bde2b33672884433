"""Batch jobs measured on real `saraban serve` processes sharing one PostgreSQL
register (the closing notes' job figures):

  python3 bench/jobs.py throughput   # 1,000-letter jobs on one, then two instances: letters/s
  python3 bench/jobs.py big          # a 30,000-letter job whose instance is SIGKILLed at 5,000
                                     # letters; a second instance finishes it; the result checked

Uses target/release/saraban (or SARABAN_BIN) and the server at SARABAN_TEST_POSTGRES
(an admin URL, as the tests); creates and drops its own database. The 30,000-letter
result is 2.5 GB in $TMPDIR/saraban-bench-jobs.
"""
import json, subprocess, time, urllib.request, os, sys, hashlib, zipfile, io, signal
HERE=os.path.dirname(os.path.abspath(__file__))
BIN=os.environ.get('SARABAN_BIN', os.path.join(HERE,'..','target','release','saraban'))
ADMIN=os.environ.get('SARABAN_TEST_POSTGRES','postgres://saraban:saraban@127.0.0.1:5432/postgres').rsplit('/',1)[0]
DB='jobs30k'
subprocess.run(['psql',f'{ADMIN}/postgres','-qc',f'DROP DATABASE IF EXISTS {DB} WITH (FORCE)','-c',f'CREATE DATABASE {DB}'],check=True)
URL=f'{ADMIN}/{DB}'
RES=os.path.join(os.environ.get('TMPDIR','/tmp'),'saraban-bench-jobs'); os.makedirs(RES,exist_ok=True)
key=subprocess.run([BIN,'keys','add','khonkaen-province','--label','m','--db',URL],capture_output=True,text=True,check=True).stdout.strip()
def serve():
    p=subprocess.Popen([BIN,'serve','--addr','127.0.0.1:0','--any-year','--db',URL,'--jobs-dir',RES,'--job-lease','5','--max-batch-letters','30000'],stdout=subprocess.PIPE,stderr=subprocess.DEVNULL,env=dict(os.environ,RUST_LOG='warn'))
    line=p.stdout.readline().decode().strip()
    return p, 'http://'+line.split('listening on ')[1]
def req(method,url,body=None):
    r=urllib.request.Request(url,method=method,data=None if body is None else json.dumps(body).encode(),headers={'authorization':'Bearer '+key,'content-type':'application/json'})
    with urllib.request.urlopen(r,timeout=600) as f: return f.status, f.read()
def batch(n, tag, numbering='each'):
    b=json.load(open(os.path.join(HERE,'..','examples','batch-circular.json')))
    b['document']['reference']='auto'; b['numbering']=numbering
    b['recipients']=[{'position':f'นายกเทศมนตรีตำบล{tag}ที่ {i}','office':f'เทศบาลตำบล{tag}ที่ {i}','amount':1000+i,'file':f'{tag}{i}'} for i in range(1,n+1)]
    return b
def submit(base,n,tag,numbering='each'):
    s,b=req('POST',base+'/v1/jobs',batch(n,tag,numbering)); return json.loads(b)['id']
def wait(base,id,timeout=3000):
    t=time.time()
    while True:
        try:
            s,b=req('GET',f'{base}/v1/jobs/{id}'); j=json.loads(b)
            if j['state'] in ('done','failed'): return j
        except Exception as e: pass
        time.sleep(0.5)
mode=sys.argv[1]
if mode=='throughput':
    N=1000
    a,A=serve()
    t=time.time(); id=submit(A,N,'a'); j=wait(A,id); one=time.time()-t
    print(f'one instance: {N} letters in {one:.1f}s = {N/one:.1f} letters/s', j['state'], flush=True)
    b,B=serve()
    t=time.time(); i1=submit(A,N,'b'); i2=submit(B,N,'c'); wait(A,i1); wait(A,i2); two=time.time()-t
    print(f'two instances: {2*N} letters in {two:.1f}s = {2*N/two:.1f} letters/s', flush=True)
    a.kill(); b.kill()
else:
    N=30000
    a,A=serve()
    t=time.time(); id=submit(A,N,'big','one'); print('submitted',id, flush=True)
    while True:
        s,b=req('GET',f'{A}/v1/jobs/{id}'); j=json.loads(b)
        if j['done']>=5000: break
        time.sleep(1)
    print(f'killing the runner at done={j["done"]} after {time.time()-t:.0f}s', flush=True)
    a.send_signal(signal.SIGKILL); a.wait()
    b,B=serve()
    j=wait(B,id)
    print(f'job {j["state"]} attempts={j["attempts"]} total time {time.time()-t:.0f}s', flush=True)
    s,z=req('GET',f'{B}/v1/jobs/{id}/result')
    zf=zipfile.ZipFile(io.BytesIO(z)); names=zf.namelist()
    hashes={hashlib.sha256(zf.read(n)).hexdigest() for n in names}
    print(f'result: {len(names)} entries, {len(set(names))} distinct names, {len(hashes)} distinct PDFs, {len(z)/1e6:.0f} MB', flush=True)
    s,bk=req('GET',f'{B}/v1/register/khonkaen-province/2567'); e=json.loads(bk)['entries']
    nums=[x['number'] for x in e]
    print(f'register: {len(e)} entries {[(x["number"], x["status"], x["pdf_sha256"]==hashlib.sha256(z).hexdigest()) for x in e]}', flush=True)
    b.kill()
