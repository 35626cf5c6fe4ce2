// pkce-spa with par: false: the click leaves without pushing the authorization request first.
window.bench.par = false;
await import('./pkce-spa.js');
