"""Merges the cloud-config parts of a user-data file the way cloud-init does (Debian's cloud-init
package: its user-data processor splits the MIME parts, its own cloud-config part handler merges
them, honouring merge_how) and prints the merged write_files paths, runcmd and top-level keys as JSON.

Usage: /usr/bin/python3 cloud-init-merge.py USER_DATA_FILE
"""
import json
import sys
import tempfile

from cloudinit import helpers, user_data
from cloudinit.handlers import CONTENT_START, cloud_config

work = tempfile.mkdtemp()
paths = helpers.Paths({"cloud_dir": work, "run_dir": work})
with open(sys.argv[1], encoding="utf-8") as source:
    message = user_data.UserDataProcessor(paths).process(source.read())
handler = cloud_config.CloudConfigPartHandler(paths)
handler.handle_part(None, CONTENT_START, None, None, None, None)
for part in message.walk():
    if part.get_content_type() == "text/cloud-config":
        payload = part.get_payload(decode=True).decode()
        handler.handle_part(None, part.get_content_type(), part.get_filename(), payload, None, dict(part.items()))
merged = handler.cloud_buf or {}
print(json.dumps({
    "write_files": [entry["path"] for entry in merged.get("write_files", [])],
    "runcmd": merged.get("runcmd", []),
    "keys": sorted(merged.keys()),
}))
