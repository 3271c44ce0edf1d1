// n8n reads the `n8n` block of package.json to find the node and the credential;
// nothing is exported from the package entry point.
module.exports = {};
