import { thumbHashOf, thumbnailOf, type PreparedPicture } from './picture.ts';

/**
 * A video made ready on the device (docs/attachments.md, "Video"): its size in pixels and length,
 * and a poster — a frame at ~0.1 s drawn from a `<video>` element — as a thumbnail and a
 * ThumbHash, like a picture's. The video itself is sent as it is. Browser-only.
 */

export interface PreparedVideo {
  width: number;
  height: number;
  durationMs: number;
  thumbnail: PreparedPicture['thumbnail'];
  thumbHash: string;
}

/** The frame the poster is taken at: past a black first frame, within any real video. */
const POSTER_AT_S = 0.1;
/** A browser that cannot decode the video may never answer: it is then sent as a file. */
const DECODE_WAIT_MS = 15_000;

function next(video: HTMLVideoElement, event: 'loadeddata' | 'seeked'): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error('the video did not load')), DECODE_WAIT_MS);
    const done = (error?: Error) => {
      clearTimeout(timer);
      video.removeEventListener(event, ok);
      video.removeEventListener('error', failed);
      if (error) reject(error);
      else resolve();
    };
    const ok = () => done();
    const failed = () => done(new Error('the video could not be decoded'));
    video.addEventListener(event, ok);
    video.addEventListener('error', failed);
  });
}

/** Prepares a video; null when this browser cannot decode it (then it is sent as a plain file). */
export async function prepareVideo(file: Blob): Promise<PreparedVideo | null> {
  const url = URL.createObjectURL(file);
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.preload = 'auto';
  try {
    const loaded = next(video, 'loadeddata');
    video.src = url;
    await loaded;
    const { videoWidth: width, videoHeight: height } = video;
    if (!width || !height) return null; // sound only
    // A WebM a browser recorded says Infinity until read to its end: seeking far past it makes
    // the browser find the real end (the length is otherwise left out).
    if (!Number.isFinite(video.duration)) {
      const ended = next(video, 'seeked');
      video.currentTime = Number.MAX_SAFE_INTEGER;
      await ended;
    }
    const duration = Number.isFinite(video.duration) ? video.duration : 0;
    const seeked = next(video, 'seeked');
    video.currentTime = duration > 0 ? Math.min(POSTER_AT_S, duration / 2) : POSTER_AT_S;
    await seeked;
    const frame = await createImageBitmap(video);
    try {
      const [thumbnail, thumbHash] = [await thumbnailOf(frame), thumbHashOf(frame)];
      return { width, height, durationMs: Math.round(duration * 1000), thumbnail, thumbHash };
    } finally {
      frame.close();
    }
  } catch {
    return null;
  } finally {
    video.removeAttribute('src');
    video.load();
    URL.revokeObjectURL(url);
  }
}
