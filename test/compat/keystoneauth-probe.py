"""Drives keystoneauth1, OpenStack's own authentication library, against a ddm-jobs server and
prints what it saw as one JSON object on stdout. Used by openstack-clients.test.ts.

Run with Debian's interpreter, which has python3-keystoneauth1:

    /usr/bin/python3 keystoneauth-probe.py '{"discover": "http://127.0.0.1:8080/v3/"}'
    /usr/bin/python3 keystoneauth-probe.py '{"plugin": "v3", "auth": {...}, "jobs_query": "..."}'

"discover": the identity versions keystoneauth finds at that URL (it follows Keystone's rules).
"plugin": "v3" (keystoneauth1.identity.v3.Password, URL taken as is) or "generic"
(keystoneauth1.identity.Password, which discovers the version first); "auth" holds the plugin's
keyword arguments. The session then gets a token, the project, the catalog's ddm endpoint, and
lists the project's tasks through that endpoint with "jobs_query".

A keystoneauth exception is reported as {"error": {"class", "http_status", "message"}} with exit 0;
any other failure is a crash (non-zero exit, traceback on stderr).
"""

import json
import sys

from keystoneauth1 import discover, exceptions, session
from keystoneauth1.identity import Password as GenericPassword
from keystoneauth1.identity import v3


def discover_versions(sess, url):
    found = discover.get_discovery(sess, url, authenticated=False)
    return {
        "versions": [
            {"version": list(data["version"]), "url": data["url"], "status": data["raw_status"]}
            for data in found.version_data()
        ]
    }


def probe_session(sess, request):
    plugin = {"v3": v3.Password, "generic": GenericPassword}[request["plugin"]]
    sess.auth = plugin(**request["auth"])
    token = sess.get_token()
    project_id = sess.get_project_id()
    endpoint = sess.get_endpoint(service_type="ddm", interface="public")
    response = sess.get(
        "/v3/%s/jobs?%s" % (project_id, request["jobs_query"]),
        endpoint_filter={"service_type": "ddm", "interface": "public"},
        raise_exc=False,
    )
    return {
        "token": token,
        "project_id": project_id,
        "endpoint": endpoint,
        "jobs": {"status": response.status_code, "body": response.json()},
    }


def main():
    request = json.loads(sys.argv[1])
    sess = session.Session()
    try:
        if "discover" in request:
            result = discover_versions(sess, request["discover"])
        else:
            result = probe_session(sess, request)
    except exceptions.ClientException as error:
        result = {
            "error": {
                "class": type(error).__name__,
                "http_status": getattr(error, "http_status", None),
                "message": str(error),
            }
        }
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
