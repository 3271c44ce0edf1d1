/** Where the core says what a user or operator should know: the logger of the execution the message is about. */
export interface Logger {
	warn(message: string): void;
}
