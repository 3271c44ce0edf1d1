// Runs a TypeScript file in a plain Node process (for tests that need a process of
// their own): each .ts module is transpiled on require. No type check here; `npm run
// typecheck` covers these files.
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
	const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
		fileName: filename,
		compilerOptions: {
			module: ts.ModuleKind.CommonJS,
			target: ts.ScriptTarget.ES2022,
			esModuleInterop: true,
			resolveJsonModule: true,
			sourceMap: false,
		},
	});
	module._compile(outputText, filename);
};

// `ZohoOAuthRequest.node` must find the .ts beside its .node.json: try .ts before .json.
for (const extension of ['.json', '.node']) {
	const load = require.extensions[extension];
	delete require.extensions[extension];
	require.extensions[extension] = load;
}

require(path.resolve(process.argv[2]));
