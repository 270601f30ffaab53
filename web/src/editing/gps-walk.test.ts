import { describe, expect, it } from 'vitest';
import { averageFixes, distanceM, GpsWalk, type Fix } from './gps-walk.ts';

/** A fake Geolocation: the test feeds readings through the watch callback. */
function fakeGeolocation() {
  let callback: PositionCallback | undefined;
  let onError: PositionErrorCallback | undefined;
  const geolocation = {
    watchPosition: (cb: PositionCallback, err: PositionErrorCallback) => {
      callback = cb;
      onError = err;
      return 1;
    },
    clearWatch: () => {
      callback = undefined;
      onError = undefined;
    },
    getCurrentPosition: () => undefined,
  } as unknown as Geolocation;
  const send = (lon: number, lat: number, accuracy: number) =>
    callback?.({ coords: { longitude: lon, latitude: lat, accuracy }, timestamp: Date.now() } as unknown as GeolocationPosition);
  const refuse = (code: number) => onError?.({ code, message: 'User denied Geolocation' } as GeolocationPositionError);
  return { geolocation, send, refuse, watching: () => callback !== undefined };
}

const options = { maxAccuracyM: 10, samples: 3, sampleTimeoutMs: 5000, autoSpacingM: undefined };

describe('walking a boundary with GPS', () => {
  it('averages readings weighted by their accuracy', () => {
    const fixes: Fix[] = [
      { lon: 105.0, lat: 10.0, accuracy: 2, time: 1 },
      { lon: 105.001, lat: 10.001, accuracy: 20, time: 2 },
    ];
    const mean = averageFixes(fixes)!;
    // The 2 m reading weighs 100 times the 20 m one.
    expect(mean.lon).toBeCloseTo(105.0 + 0.001 / 101, 9);
    expect(mean.accuracy).toBeLessThan(2);
    expect(averageFixes([])).toBeUndefined();
  });

  it('records a corner from several good readings and ignores readings beyond the accuracy gate', async () => {
    const gps = fakeGeolocation();
    const walk = new GpsWalk(options, () => undefined, gps.geolocation);
    walk.start();
    const corner = walk.recordCorner();
    gps.send(105.1, 10.1, 50); // too inaccurate: ignored
    expect(walk.state.tooInaccurate).toBe(true);
    gps.send(105.0001, 10.0001, 4);
    gps.send(105.0003, 10.0003, 4);
    gps.send(105.0002, 10.0002, 4);
    expect(await corner).toEqual([expect.closeTo(105.0002, 9), expect.closeTo(10.0002, 9)]);
    expect(walk.state.points).toHaveLength(1);
  });

  it('says a refusal until the next reading, and pauses on a denial instead of waiting for ever', () => {
    const gps = fakeGeolocation();
    const walk = new GpsWalk(options, () => undefined, gps.geolocation);
    walk.start();
    gps.refuse(3); // timed out: the watch goes on
    expect(walk.state).toMatchObject({ status: 'walking', error: 3 });
    gps.send(105, 10, 4);
    expect(walk.state.error).toBeUndefined();
    gps.refuse(1); // denied: nothing will come until the walker allows it and presses again
    expect(walk.state).toMatchObject({ status: 'paused', error: 1 });
    expect(gps.watching()).toBe(false);
    // Allowed in the settings and pressed again: a new try, not the old refusal, until the browser answers.
    walk.resume();
    expect(walk.state).toMatchObject({ status: 'walking' });
    expect(walk.state.error).toBeUndefined();
    gps.refuse(1);
    expect(walk.state).toMatchObject({ status: 'paused', error: 1 });
  });

  it('pauses (no readings taken) and resumes without losing corners', async () => {
    const gps = fakeGeolocation();
    const walk = new GpsWalk({ ...options, samples: 1 }, () => undefined, gps.geolocation);
    walk.start();
    const first = walk.recordCorner();
    gps.send(105, 10, 3);
    await first;
    walk.pause();
    expect(gps.watching()).toBe(false);
    expect(walk.state.status).toBe('paused');
    walk.resume();
    expect(walk.state.status).toBe('walking');
    const second = walk.recordCorner();
    gps.send(105.001, 10, 3);
    await second;
    const corners = walk.finish();
    expect(corners).toHaveLength(2);
    expect(corners[0]![1]).toBeCloseTo(10, 9);
    expect(corners[1]![0]).toBeCloseTo(105.001, 9);
  });

  it('in automatic mode adds a corner every few metres walked', () => {
    const gps = fakeGeolocation();
    const walk = new GpsWalk({ ...options, autoSpacingM: 5 }, () => undefined, gps.geolocation);
    walk.start();
    gps.send(105, 10, 3);
    gps.send(105.00001, 10, 3); // about 1 m: too close
    gps.send(105.0001, 10, 3); // about 11 m
    expect(walk.state.points).toHaveLength(2);
    expect(distanceM([105, 10], [105.0001, 10])).toBeCloseTo(10.95, 1);
  });
});
