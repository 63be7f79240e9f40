import type { Store } from "./store.ts";
import type { AppState, View } from "./urlState.ts";

export interface ViewContext {
  store: Store;
  /** Show problems in the page's alert banner (text only). */
  showErrors(title: string, messages: string[]): void;
}

export interface ViewHandle {
  id: View;
  root: HTMLElement;
  /** Called when the view is shown and on every state change while it is shown. */
  update(state: AppState, changed: Set<keyof AppState>): void;
  /** Keyboard shortcuts (space, arrows); return true when handled. */
  onKey?(e: KeyboardEvent): boolean;
  hide?(): void;
}
