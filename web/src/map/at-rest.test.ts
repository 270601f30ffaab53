import type { Map as MapLibreMap } from 'maplibre-gl';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { onceAtRest } from './at-rest.ts';

/** A map's state and events as onceAtRest reads them. */
function fakeMap() {
  const listeners = new Set<() => void>();
  const state = { loaded: false, moving: true };
  const map = {
    loaded: () => state.loaded,
    isMoving: () => state.moving,
    on: (_: 'idle', f: () => void) => listeners.add(f),
    off: (_: 'idle', f: () => void) => listeners.delete(f),
  };
  return { map: map as unknown as MapLibreMap, state, idle: () => [...listeners].forEach((f) => f()), listeners };
}

describe('onceAtRest', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('calls back once on the idle event, and stops looking', () => {
    const { map, idle, listeners } = fakeMap();
    const callback = vi.fn();
    onceAtRest(map, callback);
    vi.advanceTimersByTime(2000);
    expect(callback).not.toHaveBeenCalled();
    idle();
    idle();
    expect(callback).toHaveBeenCalledTimes(1);
    expect(listeners.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('calls back once when the map is found loaded and still with no idle event, not while it moves or loads', () => {
    const { map, state, idle, listeners } = fakeMap();
    const callback = vi.fn();
    onceAtRest(map, callback);
    state.loaded = true;
    vi.advanceTimersByTime(1000);
    expect(callback).not.toHaveBeenCalled();
    state.moving = false;
    state.loaded = false;
    vi.advanceTimersByTime(1000);
    expect(callback).not.toHaveBeenCalled();
    state.loaded = true;
    vi.advanceTimersByTime(500);
    expect(callback).toHaveBeenCalledTimes(1);
    idle();
    vi.advanceTimersByTime(2000);
    expect(callback).toHaveBeenCalledTimes(1);
    expect(listeners.size).toBe(0);
  });
});
