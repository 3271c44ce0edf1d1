// Copies the icons and the node's codex file next to the compiled credential and node,
// where n8n looks for `file:` icons and `<Node>.node.json`.
const { src, dest, task } = require('gulp');

task('build:icons', () =>
	src(['nodes/**/*.{png,svg}', 'nodes/**/*.node.json', 'credentials/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(dest('dist')),
);
