#!/bin/bash
# Run on a GPU machine next to a self-contained publish in .device-bin/ (see docs/host-inspection.md).
# Starts a fake "llama-server" (python3 under that name) that holds GPU memory and answers /props
# on 127.0.0.1:8080, then runs lantern scan and records what nvidia-smi itself says.
nvidia-smi -L
ln -sf "$(python3 -c "import sys;print(sys.executable)")" /tmp/llama-server; export PYTHONPATH="$(python3 -c "import sys;print(':'.join(p for p in sys.path if p))")"; echo "PYTHONPATH=$PYTHONPATH"
cat > /tmp/srv.py <<'PY'
import torch, http.server, json
x = torch.ones(256 * 1024 * 1024, device="cuda")  # 1 GiB
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"build_info": "b5662-1f6e0b62", "model_path": "/models/llama.gguf", "total_slots": 1}).encode()
        self.send_response(200); self.send_header("Content-Type", "application/json"); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
print("serving", flush=True)
http.server.HTTPServer(("127.0.0.1", 8080), H).serve_forever()
PY
/tmp/llama-server /tmp/srv.py > /tmp/srv.log 2>&1 &
for i in $(seq 1 90); do grep -q serving /tmp/srv.log && break; sleep 1; done
cat /tmp/srv.log
nvidia-smi --query-compute-apps=pid,process_name,used_gpu_memory,gpu_uuid --format=csv,noheader,nounits | tee $OUT/smi.txt
for p in $(pgrep -f srv.py); do echo "pid $p comm $(cat /proc/$p/comm) exe $(readlink /proc/$p/exe)"; done
./.device-bin/lantern scan --no-home-sweep --format json -o $OUT/scan.json; echo "exit $?"
./.device-bin/lantern scan --no-home-sweep --format table 2>&1 | tail -45
