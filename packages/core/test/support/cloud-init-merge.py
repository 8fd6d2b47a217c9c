"""Merges the cloud-config parts of a user-data file the way cloud-init does (Debian's cloud-init
package, its own part handler) and prints the merged write_files paths and runcmd as JSON."""
import json
import tempfile, sys
from cloudinit import user_data, helpers
from cloudinit.handlers import cloud_config
tmp=tempfile.mkdtemp()
p=helpers.Paths({'cloud_dir':tmp,'run_dir':tmp})
proc=user_data.UserDataProcessor(p)
msg=proc.process(open(sys.argv[1]).read())
h=cloud_config.CloudConfigPartHandler(p)
h.handle_part(None,'__begin__',None,None,None,None)
for part in msg.walk():
    if part.get_content_type()=='text/cloud-config':
        h.handle_part(None,part.get_content_type(),part.get_filename(),part.get_payload(decode=True).decode(),None,dict(part.items()))
out=h.cloud_buf
print(json.dumps({'write_files': [f['path'] for f in out.get('write_files', [])], 'runcmd': out.get('runcmd', []), 'keys': sorted(out.keys())}))
