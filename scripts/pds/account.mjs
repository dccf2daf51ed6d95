// Account helpers for scripts/pds-test-server.sh, over plain XRPC (fetch only,
// no dependency):
//
//   node account.mjs create-account URL HANDLE PASSWORD        -> prints the DID
//   node account.mjs app-password   URL HANDLE PASSWORD [NAME] -> prints the app password
//
// A handle without a dot gets ".test" appended (the PDS serves the ".test"
// handle domain). The account's email is HANDLE@example.test. Errors go to
// stderr with the XRPC error name; tokens are never printed.
const [cmd, url, rawHandle, password, name] = process.argv.slice(2);
if (!cmd || !url || !rawHandle || !password) {
  console.error('usage: account.mjs create-account|app-password URL HANDLE PASSWORD [NAME]');
  process.exit(2);
}
const handle = rawHandle.includes('.') ? rawHandle : `${rawHandle}.test`;

const call = async (nsid, body, token) => {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${url}/xrpc/${nsid}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json = {};
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: reported below with the status
  }
  if (!res.ok) {
    const what = json.error ? `${json.error}: ${json.message ?? ''}` : text.slice(0, 200);
    console.error(`${nsid} answered ${res.status} ${what}`);
    process.exit(1);
  }
  return json;
};

if (cmd === 'create-account') {
  const out = await call('com.atproto.server.createAccount', {
    handle,
    email: `${handle}@example.test`,
    password,
  });
  console.log(out.did);
} else if (cmd === 'app-password') {
  const session = await call('com.atproto.server.createSession', {
    identifier: handle,
    password,
  });
  const out = await call(
    'com.atproto.server.createAppPassword',
    { name: name || `relais-test-${Date.now()}` },
    session.accessJwt,
  );
  console.log(out.password);
} else {
  console.error(`account.mjs: unknown command ${cmd}`);
  process.exit(2);
}
