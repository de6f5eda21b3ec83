"""A conversion webhook for tests: converts objects of any group between <group>/v1 (spec.size, a string) and
<group>/v2 (spec.replicas, an integer) over HTTPS. The request path picks a behaviour: /convert answers
correctly; /wrong-uid, /drop-one, /wrong-version, /rename, /fail, /slow, /add-label and /bad-label answer
as their names say; /boom fails with a 500, any other path is a 404. GET /last returns the last review received. Usage: widget_webhook.py CERT KEY; prints
the port it listens on (on 127.0.0.1), then serves until killed."""
import json
import ssl
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

last = {}
MODES = ["/convert", "/slow", "/wrong-uid", "/drop-one", "/wrong-version", "/rename", "/fail", "/add-label",
         "/bad-label"]


def convert(obj, desired):
    out = json.loads(json.dumps(obj))
    spec = out.setdefault("spec", {})
    if desired.endswith("/v2") and "size" in spec:
        spec["replicas"] = int(spec.pop("size"))
    elif desired.endswith("/v1") and "replicas" in spec:
        spec["size"] = str(spec.pop("replicas"))
    out["apiVersion"] = desired
    return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.reply(200, last)

    def do_POST(self):
        review = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        last.clear()
        last.update(review)
        last["path"] = self.path
        request = review["request"]
        desired = request["desiredAPIVersion"]
        mode = self.path.split("?")[0]
        if mode not in MODES:
            self.send_response(404 if mode != "/boom" else 500)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "4")
            self.end_headers()
            self.wfile.write(b"boom")
            return
        objects = [convert(o, desired) for o in request["objects"]]
        uid = request["uid"]
        result = {"status": "Success"}
        if mode == "/slow":
            time.sleep(3)
        elif mode == "/wrong-uid":
            uid = "not-" + uid
        elif mode == "/drop-one":
            objects = objects[1:]
        elif mode == "/wrong-version":
            for o in objects:
                o["apiVersion"] = desired.rsplit("/", 1)[0] + "/v3"
        elif mode == "/rename":
            objects[0]["metadata"]["name"] = "other"
        elif mode == "/fail":
            result = {"status": "Failure", "message": "size must be a number"}
            objects = []
        elif mode == "/add-label":
            for o in objects:
                o["metadata"].setdefault("labels", {})["converted"] = "yes"
                o["metadata"]["resourceVersion"] = "999"
        elif mode == "/bad-label":
            objects[0]["metadata"]["labels"] = {"bad key": "x"}
        self.reply(200, {"apiVersion": review["apiVersion"], "kind": "ConversionReview",
                         "response": {"uid": uid, "convertedObjects": objects, "result": result}})


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[1], sys.argv[2])
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
