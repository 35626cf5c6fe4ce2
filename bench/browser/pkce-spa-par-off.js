// pkce-spa with par: false (the app reads it from its name): the click leaves without pushing the
// authorization request first.
import './pkce-spa.js';
