/**
 * Resolves after the next frame has been painted (a task after the animation frame), or soon
 * where there are no frames (tests): what waits on it runs behind the first paint, not before.
 */
export function afterNextPaint(): Promise<void> {
  return new Promise((resolve) => {
    const next = (): void => void setTimeout(resolve, 0);
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(next);
    else next();
  });
}
