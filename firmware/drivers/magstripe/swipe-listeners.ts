/** The listener list every SwipeSource shell keeps. */
import type { SwipeResult } from './card-read.js';

export class SwipeListeners {
  private readonly listeners = new Set<(result: SwipeResult) => void>();

  add(listener: (result: SwipeResult) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(result: SwipeResult): void {
    for (const listener of [...this.listeners]) listener(result);
  }
}
