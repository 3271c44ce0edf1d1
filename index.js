'use strict';
// What `require('n8n-nodes-zoho-oauth')` gives code: a Code node (with
// NODE_FUNCTION_ALLOW_EXTERNAL=n8n-nodes-zoho-oauth) or another package. n8n itself loads
// the files the `n8n` block of package.json names; both lead to dist/bundle.js (built by
// gulpfile.js), so they share one token cache. See the README, "Use from code".
const bundle = require('./dist/bundle.js');

module.exports = {
	// The classes n8n loads: the credential, the node and the two triggers.
	ZohoSelfClientApi: bundle.ZohoSelfClientApi,
	ZohoOAuthRequest: bundle.ZohoOAuthRequest,
	ZohoOAuthTrigger: bundle.ZohoOAuthTrigger,
	ZohoOAuthInstantTrigger: bundle.ZohoOAuthInstantTrigger,
	// Zoho's data centres: name, accounts server, API domain and product domain of each.
	DATA_CENTRES: bundle.DATA_CENTRES,
	// getAccessToken(credentialFields, { forceRefresh, signal }): a valid access token, cached like the nodes'.
	getAccessToken: bundle.getAccessToken,
	// isZohoError(error): whether a failure is Zoho's (with code, hint and field), from any copy of the package.
	isZohoError: bundle.isZohoError,
};
