// The silent and popup redirect URI's only script: hands the authorization response to the page
// that asked for it (which checks origin, window and state). A file, not an inline script, so the
// page's Content-Security-Policy needs no 'unsafe-inline'.
/* global PkceSpa */
PkceSpa.relayCallback();
