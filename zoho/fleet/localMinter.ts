/**
 * ZOHO_TOKEN_STORE=memory (and the default outside queue mode): every process mints its
 * own tokens, and its token cache (in front) makes that one mint per process per hour.
 * Nothing is stored here; only the mint cool-down is kept.
 */
import type { Clock } from '../clock';
import type { ZohoCredentials } from '../credentials';
import type { AccessToken } from '../token/accessToken';
import type { ObtainOptions, TokenSource } from '../token/tokenSource';
import { CooldownBook, DEFAULT_COOLDOWN, type CooldownPolicy } from './cooldown';

export class LocalMinter implements TokenSource {
	readonly kind = 'memory';
	private readonly clock: Clock;
	private readonly cooldowns: CooldownBook;

	constructor(options: { clock: Clock; cooldown?: CooldownPolicy }) {
		this.clock = options.clock;
		this.cooldowns = new CooldownBook(options.cooldown ?? DEFAULT_COOLDOWN);
	}

	obtain(options: ObtainOptions): Promise<AccessToken> {
		this.cooldowns.assertMayMint(options.credentials.key, this.clock.now());
		return options.mint(options.signal);
	}

	refused(options: { credentials: ZohoCredentials; token: AccessToken }): Promise<void> {
		this.cooldowns.refused({
			key: options.credentials.key,
			token: options.token,
			now: this.clock.now(),
		});
		return Promise.resolve();
	}

	discard(): Promise<void> {
		// Nothing shared: the TokenCache in front already dropped its entry.
		return Promise.resolve();
	}

	close(): Promise<void> {
		return Promise.resolve();
	}
}
