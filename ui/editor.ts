/**
 * Small helpers for n8n's editor (2.x), found by the data-test-id attributes
 * n8n puts on its elements and by the text a user reads.
 */
import type { Locator, Page } from 'playwright-core';

/** Escapes text for use inside a RegExp. */
export function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The node details view's parameter list. */
export function parameters(page: Page): Locator {
	return page.getByTestId('node-parameters');
}

/** A parameter's input (options, string, boolean …) by the parameter's `name`. */
export function parameterInput(page: Page, name: string): Locator {
	return page.getByTestId(`parameter-input-${name}`);
}

/**
 * A parameter's label as shown (exact text). n8n adds a " *" to required fields'
 * labels in the credential form, and its label elements end in a space (a regex
 * is matched against the raw text, so spaces around are allowed).
 */
export function label(scope: Locator, text: string): Locator {
	return scope.getByText(new RegExp(`^\\s*${escapeRegExp(text)}( \\*)?\\s*$`));
}

/** Picks `option` (its visible name) in the options parameter `name`. */
export async function selectOption(page: Page, name: string, option: string): Promise<void> {
	await parameterInput(page, name).click();
	// An option with a description reads "Name + description" to assistive tech, so match its headline.
	const headline = new RegExp(`^\\s*${escapeRegExp(option)}\\s*$`);
	const item = page
		.getByRole('option')
		.filter({ visible: true })
		.filter({ has: page.locator('.option-headline', { hasText: headline }) })
		.or(page.getByRole('option', { name: option, exact: true }).filter({ visible: true }))
		.first();
	await item.click({ timeout: 10_000 });
	await page
		.getByRole('listbox')
		.filter({ visible: true })
		.waitFor({ state: 'hidden', timeout: 10_000 })
		.catch(() => undefined);
}

/** Types `value` into the text parameter `name` (replacing what is there). */
export async function fillParameter(page: Page, name: string, value: string): Promise<void> {
	const input = parameterInput(page, name).locator('input, textarea').first();
	await input.fill(value);
}

/** Closes n8n's toast notifications so they do not cover a screenshot. */
export async function closeToasts(page: Page): Promise<void> {
	const buttons = page.locator('.el-notification .el-notification__closeBtn');
	for (let i = (await buttons.count()) - 1; i >= 0; i--) {
		await buttons
			.nth(i)
			.click({ timeout: 2_000 })
			.catch(() => undefined);
	}
	await page
		.locator('.el-notification')
		.first()
		.waitFor({ state: 'detached', timeout: 5_000 })
		.catch(() => undefined);
}
