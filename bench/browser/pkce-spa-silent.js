// pkce-spa's lean silent redirect page, as relayCallback()'s documentation shows: the response goes
// back to the page that asked, nothing else loads.
import { relayCallback } from 'pkce-spa';

void relayCallback();
