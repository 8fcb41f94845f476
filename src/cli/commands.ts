/**
 * The one place where CLI commands are registered. Each command lives in its own module under src/cli/commands/
 * and exports `register(program)`.
 */
import type { Command } from 'commander';

export function registerCommands(_program: Command): void {
  // Commands are added here as the core grows.
}
