/**
 * What a user sees of this package in n8n's editor, checked in a real browser:
 * n8n 2.x with the packed package installed, the Zoho simulator, and Debian's
 * Chromium driven by playwright-core. The nodes panel finds the node, every
 * operation shows its fields, and the credential's Test passes against the
 * simulator and explains a wrong Client ID. With that credential, "Write records
 * in batches" loads the modules and Contacts' fields into n8n's field mapper, and
 * the nodes panel finds Zoho OAuth Trigger, whose module list shows the
 * simulator's custom module, and beside it Zoho OAuth Instant Trigger, each saying
 * which one to pick; its "Test this trigger" shows a Lead created in the simulator.
 *
 *   npm run test:ui
 *
 * Screenshots go to .tmp/ui/screenshots/ (ignored by git), or to $UI_SCREENSHOT_DIR:
 * `npm run test:ui:screenshots` renews the ones in docs/ that the README shows.
 * On a failure the page is saved as .tmp/ui/failure-<step>.png.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Locator, Page } from 'playwright-core';

import {
	assertPortFree,
	createUserFolder,
	DEMO_OWNER,
	ensureHostInstalled,
	freePorts,
	loadErrors,
	n8nVersion,
	packPackage,
	repoRoot,
	type RunningN8n,
	setupOwner,
	SIMULATOR_PORT,
	startN8n,
	type UserFolder,
} from '../n8n-driver';
import { DEMO_CUSTOM_MODULE, type DemoSimulator, startDemoSimulator } from '../simulator/demo';
import { type Browser, ensureChromium, launchChromium } from './chromium';
import {
	closeToasts,
	escapeRegExp,
	fillParameter,
	label,
	parameterInput,
	parameters,
	selectOption,
} from './editor';

const SCREENSHOT_DIR = path.resolve(
	repoRoot(),
	process.env.UI_SCREENSHOT_DIR ?? '.tmp/ui/screenshots',
);
const FAILURE_DIR = path.join(repoRoot(), '.tmp', 'ui');
/** Longest wait for anything the editor shows after a click. */
const UI_TIMEOUT_MS = 30_000;

const NODE_NAME = 'Zoho OAuth Request';
/** The nodes panel drops " Trigger" from a trigger's name: Zoho OAuth Trigger is listed as "Zoho OAuth". */
const TRIGGER_PANEL_NAME = 'Zoho OAuth';
const INSTANT_PANEL_NAME = 'Zoho OAuth Instant';
const CREDENTIAL_TYPE_NAME = 'Zoho Self Client API';
const WRONG_CLIENT_ID = '1000.NOTREGISTEREDHERE';

/** Operation (as listed) → the action the nodes panel offers for it. */
const ACTIONS = {
	'API Request': 'Make a request',
	'Create, Update, Upsert or Delete Records': 'Write records in batches',
	'Export Records (Bulk Read)': 'Export records in bulk',
	'Query (COQL)': 'Query records with COQL',
	'Get Deleted Records': 'Get deleted records',
	'Get Access Token': 'Get a valid access token',
	'Exchange Grant Code': 'Exchange a grant code for a refresh token',
	'Revoke Refresh Token': 'Revoke the refresh token',
} as const;

/** Labels of the API Request operation (CRM), top to bottom. */
const API_REQUEST_LABELS = [
	'Operation',
	'Service',
	'API Version',
	'Method',
	'Path or URL',
	'Send Query Parameters',
	'Send Headers',
	'Send Body',
	'Response Format',
	'Options',
];

function log(line: string): void {
	process.stdout.write(`[test:ui] ${line}\n`);
}

let tarballDir: string | undefined;
let demo: DemoSimulator | undefined;
let userFolder: UserFolder | undefined;
let n8n: RunningN8n | undefined;
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];
const started = Date.now();

/** Port 8917 (what the README shows) when free, else any free port. */
async function simulatorPort(): Promise<number> {
	try {
		await assertPortFree(SIMULATOR_PORT, 'Zoho simulator, US');
		await assertPortFree(SIMULATOR_PORT + 1, 'Zoho simulator, EU');
		return SIMULATOR_PORT;
	} catch {
		const [port] = await freePorts(1);
		return port;
	}
}

beforeAll(async () => {
	await ensureChromium(log);
	await ensureHostInstalled(2);
	log(`n8n ${n8nVersion(2)}; packing the package`);
	const tarball = await packPackage();
	tarballDir = path.dirname(tarball);

	demo = await startDemoSimulator({
		port: await simulatorPort(),
		dataCentres: ['us'],
		leads: 20,
		contacts: 5,
		invoices: 5,
	});
	log(`Zoho simulator on ${demo.accountsUrl}`);

	userFolder = await createUserFolder({
		major: 2,
		packageTarball: tarball,
		// Plain http on 127.0.0.1: the editor must not insist on a secure cookie.
		env: { N8N_SECURE_COOKIE: 'false' },
	});
	n8n = await startN8n({ major: 2, userFolder, readyTimeoutMs: 180_000 });
	log(`n8n ready on ${n8n.baseUrl} after ${(n8n.readyMs / 1000).toFixed(0)} s (pid ${n8n.pid})`);
	const session = await setupOwner(n8n.baseUrl, DEMO_OWNER);

	browser = await launchChromium();
	const [cookieName, cookieValue] = session.cookie.split(/=(.*)/s);
	await browser.context.addCookies([{ name: cookieName, value: cookieValue, url: n8n.baseUrl }]);
	browser.context.setDefaultTimeout(UI_TIMEOUT_MS);
	page = browser.context.pages()[0] ?? (await browser.context.newPage());
	page.on('pageerror', (error) => pageErrors.push(error.message));
	// Leaving a workflow with unsaved changes asks "leave the page?": the tests leave on purpose.
	page.on(
		'dialog',
		(dialog) => void (dialog.type() === 'beforeunload' ? dialog.accept() : dialog.dismiss()),
	);
	fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
}, 30 * 60_000);

afterAll(async () => {
	if (browser) {
		if (browser.blockedRequests.length) {
			log(`blocked requests off 127.0.0.1: ${[...new Set(browser.blockedRequests)].join(', ')}`);
		}
		await browser
			.close()
			.catch((error: unknown) => log(`could not close Chromium: ${String(error)}`));
	}
	if (pageErrors.length) log(`errors in the page: ${pageErrors.join(' | ')}`);
	await n8n?.stop();
	await demo?.sim.stop();
	userFolder?.cleanup();
	if (tarballDir) fs.rmSync(tarballDir, { recursive: true, force: true });
	log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}, 120_000);

let failedStep: string | undefined;

/**
 * Runs one step; on failure keeps a screenshot of the page for whoever reads the
 * log. Each step goes on from where the one before left the editor, so after a
 * failure the later steps stop at once instead of waiting out their timeouts.
 */
async function step(name: string, body: () => Promise<void>): Promise<void> {
	if (failedStep) throw new Error(`not run: step "${failedStep}" failed before it`);
	try {
		await body();
	} catch (error) {
		failedStep = name;
		fs.mkdirSync(FAILURE_DIR, { recursive: true });
		const file = path.join(FAILURE_DIR, `failure-${name}.png`);
		await page?.screenshot({ path: file }).catch(() => undefined);
		log(`step "${name}" failed; the page is in ${path.relative(repoRoot(), file)}`);
		throw error;
	}
}

/** The page as a user sees it after a moment: no toasts, no focus tips, no half-faded dropdowns. */
async function screenshot(name: string): Promise<void> {
	await closeToasts(page);
	// Runs in the browser (a string, so the tools' TypeScript needs no DOM types).
	await page.evaluate('document.activeElement?.blur()');
	await page.mouse.move(0, 0);
	await page.waitForTimeout(300);
	await page.screenshot({ path: path.join(SCREENSHOT_DIR, name), animations: 'disabled' });
}

async function expectVisible(locator: Locator, what: string): Promise<void> {
	try {
		await locator
			.filter({ visible: true })
			.first()
			.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
	} catch {
		throw new Error(`not visible in the editor: ${what}`);
	}
}

/** Polls `check` until it is true, for at most UI_TIMEOUT_MS. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
	const deadline = Date.now() + UI_TIMEOUT_MS;
	let last = '';
	for (;;) {
		try {
			if (await check()) return;
			last = 'false';
		} catch (error) {
			last = error instanceof Error ? error.message : String(error);
		}
		if (Date.now() > deadline)
			throw new Error(`not so in the editor within ${UI_TIMEOUT_MS} ms: ${what} (last: ${last})`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

async function expectHidden(locator: Locator, what: string): Promise<void> {
	try {
		// Hidden: no match is visible (n8n keeps some hidden copies of labels in the page).
		await locator.filter({ visible: true }).first().waitFor({ state: 'hidden', timeout: 5_000 });
	} catch {
		throw new Error(`still shown in the editor: ${what}`);
	}
}

/** Labels of the node's parameters, each visible, and in this order top to bottom. */
async function expectLabelsInOrder(labels: readonly string[]): Promise<void> {
	const tops: number[] = [];
	for (const text of labels) {
		const locator = label(parameters(page), text).filter({ visible: true }).first();
		await expectVisible(locator, `the label "${text}"`);
		const box = await locator.boundingBox();
		tops.push(box?.y ?? Number.NaN);
	}
	for (let i = 1; i < labels.length; i++) {
		if (!(tops[i] > tops[i - 1]))
			throw new Error(`"${labels[i]}" is not below "${labels[i - 1]}" (${tops.join(', ')})`);
	}
}

function creatorItem(name: string): Locator {
	return page
		.getByTestId('item-iterator-item')
		.filter({ has: page.getByTestId('node-creator-item-name').getByText(name, { exact: true }) });
}

test('n8n loads the package without errors or warnings', () => {
	expect(loadErrors(n8n?.output() ?? '')).toEqual([]);
});

/** A new, empty workflow with the nodes panel open and searched for `text`. */
async function searchNodesPanel(text: string): Promise<void> {
	await page.goto(`${n8n?.baseUrl}/workflow/new`, { waitUntil: 'domcontentloaded' });
	await page.getByTestId('canvas-add-button').click();
	const search = page.getByTestId('node-creator-search-bar');
	await search.waitFor();
	await search.fill(text);
}

/** The item's icon has loaded (an image of non-zero size, not a broken link). */
async function expectIconLoaded(item: Locator, what: string): Promise<void> {
	const icons = item.locator('img');
	await until(
		() =>
			icons.evaluateAll(
				(imgs: Array<{ complete: boolean; naturalWidth: number }>) =>
					imgs.length > 0 && imgs.every((img) => img.complete && img.naturalWidth > 0),
			),
		`the icon of ${what} loaded`,
	);
}

/** The value an options parameter shows. */
async function shownOption(name: string): Promise<string> {
	return await parameterInput(page, name).locator('input').first().inputValue();
}

test('the nodes panel finds Zoho OAuth Request, with its icon and its eight actions', async () => {
	await step('nodes-panel', async () => {
		await searchNodesPanel('Zoho');
		const item = creatorItem(NODE_NAME);
		await expectVisible(item, `"${NODE_NAME}" in the search results for "Zoho"`);
		await expectVisible(
			item.getByText('Call any Zoho API'),
			'the node description in the search results',
		);
		await expectIconLoaded(item, NODE_NAME);
		await screenshot('node-panel.png');

		await item.click();
		const creator = page.getByTestId('node-creator');
		for (const action of Object.values(ACTIONS)) {
			await expectVisible(creator.getByText(action, { exact: true }), `the action "${action}"`);
		}
		await screenshot('node-actions.png');
	});
});

test('API Request shows its fields, and Organization ID only for the services that need it', async () => {
	await step('api-request', async () => {
		await page
			.getByTestId('node-creator')
			.getByText(ACTIONS['API Request'], { exact: true })
			.click();
		await expectVisible(page.getByTestId('ndv'), 'the node details view');
		await until(
			async () => (await shownOption('operation')) === 'API Request',
			'Operation = API Request',
		);
		await expectVisible(
			page.getByTestId('node-credentials-empty-state').getByText(/Zoho Self Client/),
			'the credential slot',
		);
		await expectLabelsInOrder(API_REQUEST_LABELS);
		await expectVisible(
			parameters(page).getByText(/^Added to the Service's base URL/),
			'the hint under Path or URL',
		);
		await expectHidden(label(parameters(page), 'Organization ID'), 'Organization ID for CRM');

		await selectOption(page, 'service', 'Books');
		await expectLabelsInOrder(['Service', 'Organization ID', 'Method', 'Path or URL']);
		await expectVisible(
			parameters(page).getByText(/Settings → Organization/),
			'the hint under Organization ID',
		);
		await expectHidden(label(parameters(page), 'API Version'), 'API Version for Books');
		await selectOption(page, 'service', 'CRM');

		await parameterInput(page, 'sendBody').click();
		await expectLabelsInOrder(['Send Body', 'Body Content Type', 'JSON Body', 'Response Format']);
		await parameterInput(page, 'sendBody').click();
		await expectHidden(
			label(parameters(page), 'Body Content Type'),
			'Body Content Type with Send Body off',
		);

		await fillParameter(page, 'path', '/Leads');
		await screenshot('api-request.png');
	});
});

test('Get Access Token, Exchange Grant Code and Revoke Refresh Token show their own fields only', async () => {
	await step('operations', async () => {
		await selectOption(page, 'operation', 'Get Access Token');
		await expectLabelsInOrder(['Operation', 'Force Refresh']);
		await expectHidden(label(parameters(page), 'Method'), 'Method for Get Access Token');
		await screenshot('get-access-token.png');

		await selectOption(page, 'operation', 'Exchange Grant Code');
		await expectLabelsInOrder(['Operation', 'Grant Code']);
		await expectVisible(
			parameters(page).getByText(/copy refresh_token from the output into the credential/),
			'the hint under Grant Code',
		);
		await expectHidden(
			label(parameters(page), 'Force Refresh'),
			'Force Refresh for Exchange Grant Code',
		);
		await screenshot('exchange-grant-code.png');

		await selectOption(page, 'operation', 'Revoke Refresh Token');
		await expectVisible(
			parameters(page).getByText(/revokes the credential's refresh token at Zoho/),
			'the revoke notice',
		);
		await expectHidden(
			label(parameters(page), 'Grant Code'),
			'Grant Code for Revoke Refresh Token',
		);
		await screenshot('revoke-refresh-token.png');

		await selectOption(page, 'operation', 'API Request');
		await expectVisible(label(parameters(page), 'Path or URL'), 'Path or URL back on API Request');
	});
});

/** Waits for the credential test n8n runs (on Save, or Retry) and returns its verdict. */
async function credentialTest(
	trigger: () => Promise<void>,
): Promise<{ status?: string; message?: string }> {
	const [response] = await Promise.all([
		page.waitForResponse(
			(res) => res.url().includes('/rest/credentials/test') && res.request().method() === 'POST',
			{
				timeout: UI_TIMEOUT_MS,
			},
		),
		trigger(),
	]);
	const body = (await response.json()) as { data?: { status?: string; message?: string } };
	return body.data ?? {};
}

test('the credential, pointed at the simulator, passes its Test', async () => {
	await step('credential-success', async () => {
		if (!demo) throw new Error('no simulator');
		await page.getByTestId('node-credentials-empty-state').click();
		const modal = page.getByTestId('credential-edit-dialog');
		await expectVisible(
			page.getByTestId('editCredential-modal').getByText(CREDENTIAL_TYPE_NAME, { exact: true }),
			'the credential type name in the modal header',
		);
		for (const text of ['Data Centre', 'Client ID', 'Client Secret', 'Refresh Token']) {
			await expectVisible(label(modal, text), `the credential field "${text}"`);
		}
		await expectVisible(
			modal.getByText(/None yet\? Leave it empty, save, and run .* Exchange Grant Code/),
			'the hint under Refresh Token',
		);
		await expectHidden(
			label(modal, 'Custom Accounts URL'),
			'Custom Accounts URL before choosing it',
		);
		await selectOption(page, 'dataCentre', 'Custom Accounts URL');
		await expectVisible(label(modal, 'Custom Accounts URL'), 'the Custom Accounts URL field');
		await fillParameter(page, 'customAccountsUrl', demo.accountsUrl);
		await fillParameter(page, 'clientId', demo.clientId);
		await fillParameter(page, 'clientSecret', demo.clientSecret);
		await fillParameter(page, 'refreshToken', demo.refreshToken);

		// n8n tests a credential when it is saved; from a node it then closes the modal.
		const onSave = await credentialTest(() => page.getByTestId('credential-save-button').click());
		expect(onSave).toMatchObject({ status: 'OK' });
		await modal.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS }).catch(() => undefined);
		if (!(await modal.isVisible())) await page.getByTestId('credential-edit-button').click();

		// The Test button of the modal (n8n labels it Retry once a test has run).
		const onTest = await credentialTest(() => modal.getByRole('button', { name: 'Retry' }).click());
		expect(onTest).toMatchObject({
			status: 'OK',
			message: expect.stringMatching(/^Connection tested successfully/),
		});
		await expectVisible(
			modal.getByText('Connection tested successfully'),
			'"Connection tested successfully"',
		);
		await screenshot('credential-success.png');
	});
});

test('a Client ID the data centre does not know gets the actionable message', async () => {
	await step('credential-wrong-client', async () => {
		const modal = page.getByTestId('credential-edit-dialog');
		await fillParameter(page, 'clientId', WRONG_CLIENT_ID);
		const verdict = await credentialTest(() => page.getByTestId('credential-save-button').click());
		expect(verdict.status).toBe('Error');
		await expectVisible(
			modal.getByText(/Couldn.t connect with these settings/),
			'the failed-test banner',
		);
		const details = modal.getByText('More details', { exact: true });
		if (await details.isVisible()) await details.click();
		await expectVisible(
			modal.getByText(/does not know this Client ID/),
			'the message naming the Client ID',
		);
		await expectVisible(
			modal.getByText(/exists only in the data centre where it was created/),
			'the data-centre advice',
		);
		await expectVisible(modal.getByText(/Check the Data Centre field/), 'what to check');
		await screenshot('credential-wrong-client.png');
	});
});

/** Opens the resource locator `name` in its From List mode and returns the listed items once some have loaded. */
async function openResourceList(name: string): Promise<Locator> {
	await page.getByTestId(`resource-locator-${name}`).getByTestId('rlc-input').first().click();
	// The list is teleported out of the parameter, so its items are looked for in the whole page.
	const items = page.getByTestId('rlc-item').filter({ visible: true });
	await expectVisible(items, `the items of the ${name} list`);
	return items;
}

function listItem(items: Locator, text: string): Locator {
	return items.filter({ hasText: new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`) });
}

/** The node's credential slot shows the credential saved above (n8n picks the only one of its type). */
async function expectCredentialSelected(): Promise<void> {
	await until(
		async () =>
			(await page.getByTestId('node-credentials-select').locator('input').first().inputValue()) !==
			'',
		'the saved credential selected on the node',
	);
}

/** The Module list shows the org's modules (the simulator's custom one included; `also` checks more); `module` is picked. */
async function pickModuleFromList(
	module: string,
	also?: (modules: Locator) => Promise<void>,
): Promise<void> {
	const modules = await openResourceList('module');
	const custom = `${DEMO_CUSTOM_MODULE.plural_label} (${DEMO_CUSTOM_MODULE.api_name})`;
	await expectVisible(
		listItem(modules, custom),
		`the custom module "${custom}" in the Module list`,
	);
	await expectVisible(listItem(modules, 'Contacts'), 'Contacts in the Module list');
	await also?.(modules);
	await listItem(modules, module).first().click();
	await until(
		async () =>
			(await page
				.getByTestId('resource-locator-module')
				.getByTestId('rlc-input')
				.first()
				.locator('xpath=self::input | .//input')
				.first()
				.inputValue()) === module,
		`Module = ${module}`,
	);
}

test('the nodes panel finds Zoho OAuth Trigger, and its Module list loads the modules of the org, custom ones included', async () => {
	await step('trigger', async () => {
		if (!demo) throw new Error('no simulator');
		// The credential left with a wrong Client ID above, put right again for the module lists.
		await fillParameter(page, 'clientId', demo.clientId);
		expect(
			await credentialTest(() => page.getByTestId('credential-save-button').click()),
		).toMatchObject({ status: 'OK' });

		await searchNodesPanel('Zoho');
		const item = creatorItem(TRIGGER_PANEL_NAME);
		await expectVisible(item, `"${TRIGGER_PANEL_NAME}" in the search results for "Zoho"`);
		await expectVisible(
			item.getByText(/^Starts the workflow when Zoho CRM or Bigin records are created or changed/),
			'the trigger description',
		);
		await expectIconLoaded(item, 'Zoho OAuth Trigger');
		await item.click();
		// n8n offers a trigger's Event options as the trigger's actions.
		const creator = page.getByTestId('node-creator');
		for (const event of ['On created or updated', 'On created', 'On deleted']) {
			await expectVisible(
				creator.getByText(event, { exact: true }),
				`the trigger's event "${event}"`,
			);
		}
		await creator.getByText('On created or updated', { exact: true }).click();
		const ndv = page.getByTestId('ndv');
		await expectVisible(ndv, 'the node details view');
		await expectVisible(ndv.getByText('Zoho OAuth Trigger'), 'the node name in the details view');
		await expectLabelsInOrder(['Product', 'API Version', 'Module', 'Event', 'Fields', 'Options']);
		await until(async () => (await shownOption('product')) === 'CRM', 'Product = CRM');
		await until(
			async () => (await shownOption('event')) === 'Created or Updated',
			'Event = Created or Updated',
		);
		await expectCredentialSelected();

		await pickModuleFromList('Leads', async (modules) => {
			// Modules whose records can be read, hidden ones included; no subform or field tracker.
			await expectVisible(listItem(modules, 'Notes'), 'Notes (a hidden module) in the Module list');
			await expectHidden(
				listItem(modules, 'Subform 1 (Subform_1)'),
				'a subform in the Module list',
			);
			await expectHidden(
				listItem(modules, 'Stage History (DealHistory)'),
				'a field tracker in the Module list',
			);
		});
		await screenshot('trigger.png');
	});
});

test('the nodes panel shows Zoho OAuth Instant Trigger beside the polling one, each saying which to pick; its Module list loads the org', async () => {
	await step('instant-trigger', async () => {
		await searchNodesPanel('Zoho');
		const polling = creatorItem(TRIGGER_PANEL_NAME);
		const instant = creatorItem(INSTANT_PANEL_NAME);
		await expectVisible(instant, `"${INSTANT_PANEL_NAME}" in the search results for "Zoho"`);
		await expectVisible(
			instant.getByText(
				/^Starts the workflow within seconds .*pushed by Zoho \(n8n must be reachable over HTTPS\)/,
			),
			'the instant trigger says what it needs',
		);
		await expectVisible(
			polling.getByText(/by polling \(no public URL needed\)$/),
			'the polling trigger says it polls',
		);
		await expectIconLoaded(instant, 'Zoho OAuth Instant Trigger');
		const [pollingBox, instantBox] = await Promise.all([
			polling.boundingBox(),
			instant.boundingBox(),
		]);
		// Beside: next to each other in the list, one item apart at most.
		expect(Math.abs((instantBox?.y ?? 0) - (pollingBox?.y ?? 1e6))).toBeLessThanOrEqual(
			2 * (pollingBox?.height ?? 0),
		);
		await screenshot('trigger-choice.png');

		await instant.click();
		// n8n offers the Events options as the trigger's actions.
		const creator = page.getByTestId('node-creator');
		for (const event of ['On created', 'On edited', 'On deleted']) {
			await expectVisible(
				creator.getByText(event, { exact: true }),
				`the trigger's event "${event}"`,
			);
		}
		await creator.getByText('On created', { exact: true }).click();
		const ndv = page.getByTestId('ndv');
		await expectVisible(ndv, 'the node details view');
		await expectVisible(
			ndv.getByText('Zoho OAuth Instant Trigger'),
			'the node name in the details view',
		);
		await expectVisible(
			parameters(page).getByText(/ZohoCRM\.notifications\.ALL/),
			'the notice naming the scope and the public address Zoho needs',
		);
		await expectLabelsInOrder(['Module', 'Events', 'Fields', 'Options']);
		await expectVisible(
			parameterInput(page, 'events').getByText('Created', { exact: true }),
			'Events = Created, as the action chose',
		);
		await expectCredentialSelected();
		await pickModuleFromList('Leads');
		await screenshot('instant-trigger.png');
	});
});

/** A call to the simulator's own controls (/__sim/…), as a user's action in Zoho would be. */
async function simulatorControl(route: string, init: { method: string; body?: unknown }) {
	const response = await fetch(`${demo?.accountsUrl}/__sim/${route}`, {
		method: init.method,
		headers: { 'Content-Type': 'application/json' },
		...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
	});
	if (!response.ok) throw new Error(`${init.method} /__sim/${route}: ${response.status}`);
	return (await response.json()) as Record<string, unknown>;
}

test('Test this trigger on the Instant Trigger: a Lead created in the simulator shows in the editor', async () => {
	await step('instant-trigger-event', async () => {
		// Goes on in the details view the step before left open: Leads, Created, the credential.
		const ndv = page.getByTestId('ndv');
		await expectVisible(ndv, 'the Instant Trigger in the details view');
		const lastName = `Callback ${Date.now()}`;
		await page
			.getByTestId('trigger-execute-button')
			.or(page.getByTestId('node-execute-button'))
			.filter({ visible: true })
			.first()
			.click();
		// n8n opened a channel at Zoho (the simulator) for the test webhook URL: Zoho now calls it.
		await until(async () => {
			const { channels } = await simulatorControl('notifications', { method: 'GET' });
			return Array.isArray(channels) && channels.length > 0;
		}, 'a notification channel opened by "Test this trigger"');
		await simulatorControl('records/Leads', {
			method: 'POST',
			body: { fields: { Last_Name: lastName, Company: 'UI test' } },
		});
		await expectVisible(ndv.getByText(lastName), `the created Lead "${lastName}" in the output`);
		await expectVisible(ndv.getByText('created').first(), 'the event "created" in the output');
	});
});

test('Write records in batches: Upsert into Contacts maps the fields the simulator lists, 100 records per call', async () => {
	await step('record-writes', async () => {
		await searchNodesPanel('Zoho');
		await creatorItem(NODE_NAME).click();
		const action = ACTIONS['Create, Update, Upsert or Delete Records'];
		await page.getByTestId('node-creator').getByText(action, { exact: true }).click();
		await expectVisible(page.getByTestId('ndv'), 'the node details view');
		await until(
			async () => (await shownOption('operation')) === 'Create, Update, Upsert or Delete Records',
			'Operation = Create, Update, Upsert or Delete Records',
		);
		await until(
			async () => (await shownOption('writeOperation')) === 'Create or Update',
			'Write = Create or Update (upsert)',
		);
		await expectLabelsInOrder([
			'Operation',
			'Product',
			'API Version',
			'Write',
			'Module',
			'Record From',
		]);
		await expectCredentialSelected();

		const modules = await openResourceList('module');
		await expectVisible(listItem(modules, 'Contacts'), 'Contacts in the Module list');
		// A subform's rows are written with their parent record: it is no module to write to.
		await expectHidden(listItem(modules, 'Subform 1 (Subform_1)'), 'a subform in the Module list');
		await listItem(modules, 'Contacts').first().click();
		await expectVisible(
			parameters(page).getByText(/A layout of the module can require more/),
			'the notice that a layout can require more fields than those marked required',
		);
		// n8n's mapper lists the mandatory fields (Zoho's system_mandatory) from the start and offers the others under "Add field".
		const mapper = page.getByTestId('mapping-fields-container');
		await expectVisible(
			label(mapper, 'Last Name'),
			'the mandatory field "Last Name" loaded from Contacts',
		);
		await expectHidden(
			label(mapper, 'First Name'),
			'the optional field "First Name" before it is added',
		);
		await expectVisible(
			page.getByTestId('matching-column-select').getByText('Email', { exact: true }),
			'Email, unique in Contacts, as the Duplicate Check Field',
		);
		await mapper.getByTestId('add-fields-select').getByRole('button').first().click();
		const addable = (field: string): Locator =>
			page
				.getByRole('menuitem', { name: field, exact: true })
				.or(page.getByRole('option', { name: field, exact: true }));
		for (const field of ['First Name', 'Email', 'Phone', 'Date of Birth']) {
			await expectVisible(addable(field), `the optional field "${field}" under Add field to send`);
		}
		await expectHidden(
			addable('Created Time'),
			'the read-only field "Created Time" under Add field to send',
		);
		await addable('First Name').first().click();
		await expectVisible(label(mapper, 'First Name'), 'the field "First Name" once added');

		// Options' "Add option" is a select here: its items are the collection's options.
		await parameters(page)
			.getByTestId('collection-parameter-add')
			.filter({ visible: true })
			.last()
			.click();
		await page
			.getByTestId('collection-parameter-option')
			.filter({ visible: true })
			.filter({ hasText: /^\s*Batch Size\s*$/ })
			.first()
			.click();
		await until(
			async () =>
				(await parameterInput(page, 'batchSize').locator('input').first().inputValue()) === '100',
			'Batch Size = 100',
		);
		// From Write down to Batch Size in one screenshot.
		await label(parameters(page), 'Write')
			.first()
			.evaluate('(element) => element.scrollIntoView({ block: "start" })');
		await screenshot('record-writes.png');
	});
});

test("Export records in bulk: the Field list loads the module's fields from the org", async () => {
	await step('export-records', async () => {
		await searchNodesPanel('Zoho');
		await creatorItem(NODE_NAME).click();
		const action = ACTIONS['Export Records (Bulk Read)'];
		await page.getByTestId('node-creator').getByText(action, { exact: true }).click();
		await expectVisible(page.getByTestId('ndv'), 'the node details view');
		await until(
			async () => (await shownOption('operation')) === 'Export Records (Bulk Read)',
			'Operation = Export Records (Bulk Read)',
		);
		await expectLabelsInOrder([
			'Operation',
			'API Version',
			'Module',
			'Field Names or IDs',
			'Output',
			'Filters',
			'Options',
		]);
		await expectCredentialSelected();
		const modules = await openResourceList('module');
		await listItem(modules, 'Leads').first().click();
		// The list reloads when the module changes, closing a dropdown opened too early: open it until it shows.
		const option = (field: string): Locator =>
			page.getByRole('option', { name: field, exact: true }).filter({ visible: true });
		await until(async () => {
			if ((await option('Last Name (Last_Name)').count()) > 0) return true;
			// Clicked only while no list is open: a second click would close it while it loads.
			if ((await page.getByRole('listbox').filter({ visible: true }).count()) === 0)
				// The select itself: a multiple select's inner input is disabled.
				await parameterInput(page, 'fields').click();
			return false;
		}, 'the Field list open, loaded from Leads');
		for (const field of ['Last Name (Last_Name)', 'Email (Email)', 'Modified Time (Modified_Time)'])
			await expectVisible(option(field), `the field "${field}" loaded from Leads`);
	});
});
