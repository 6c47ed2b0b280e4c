"""Activates a seeded host's customers before a warm measurement (issue 12's GC profile):
    python3 loadtests/warm.py URL SEED_DIR [POPS] [THREADS]
reads every customer of SEED_DIR/customers.csv through POST /api/customers/batch (100 ids a request, the decision
view, as demo-agent1-key or $API_KEY), then pops POPS numbers of SEED_DIR/phones.csv (default 40,000, each of another
customer, drawn with seed 2), which activates the phone-book pages the batch does not reach. Progress every 50,000."""
import json, os, random, sys, threading, time, urllib.request

url, seed = sys.argv[1].rstrip('/'), sys.argv[2]
pops = int(sys.argv[3]) if len(sys.argv) > 3 else 40000
threads = int(sys.argv[4]) if len(sys.argv) > 4 else 8
key = os.environ.get('API_KEY', 'demo-agent1-key')


def run(items, send, label):
    lock, pos, failed, t0 = threading.Lock(), [0], [0], time.time()

    def work():
        while True:
            with lock:
                if pos[0] >= len(items):
                    return
                item = items[pos[0]]
                pos[0] += 1
            try:
                send(item)
            except Exception as e:  # counted and reported; a warm-up goes on
                with lock:
                    failed[0] += 1
                    if failed[0] <= 3:
                        print(f"{label}: {e}", file=sys.stderr)
    ts = [threading.Thread(target=work) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    print(f"{label}: {len(items)} requests in {time.time() - t0:.0f} s, {failed[0]} failed", flush=True)


def batch(ids):
    body = json.dumps({"customerIds": ids, "view": "decision"}).encode()
    req = urllib.request.Request(url + "/api/customers/batch", data=body,
                                 headers={"Content-Type": "application/json", "X-Api-Key": key})
    urllib.request.urlopen(req, timeout=60).read()


def pop(number):
    req = urllib.request.Request(url + "/api/screenpop?ani=" + number.replace('+', '%2B'), headers={"X-Api-Key": key})
    urllib.request.urlopen(req, timeout=60).read()


ids = [line.split(',')[0] for line in open(os.path.join(seed, 'customers.csv')).read().splitlines()[1:]]
run([ids[i:i + 100] for i in range(0, len(ids), 100)], batch, f"{len(ids)} customers read")
rows = [line.split(',') for line in open(os.path.join(seed, 'phones.csv')).read().splitlines()[1:]]
random.seed(2)
random.shuffle(rows)
seen, numbers = set(), []
for phone, customer in rows:
    if customer not in seen and len(numbers) < pops:
        seen.add(customer)
        numbers.append(phone)
run(numbers, pop, f"{len(numbers)} numbers popped")
