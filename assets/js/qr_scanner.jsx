// The receipt QR scanner of the counter desk (wrapped for Reflex in citizen_app/pages/staff/qr_scanner.py).
//
// Two ways in, both decoded in the browser with jsQR (npm "jsqr", Apache-2.0):
//  * the device camera: getUserMedia with the rear camera preferred (facingMode "environment"),
//    frames drawn to a canvas and decoded until a code is found, then the camera is released;
//  * a photo of the receipt (file input), for devices without a usable camera and for tests.
// Only the text the QR holds is sent to the server (onDecode); the server checks the receipt's
// signature. Problems are reported as codes (onProblem) and worded by the server in the page's language.
import { useCallback, useEffect, useRef, useState } from "react";
import jsQR from "jsqr";

// Larger frames cost time on a cheap tablet and add nothing for a receipt held to the camera.
const MAX_SIDE = 1280;

function decode(source, width, height, canvas) {
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  canvas.width = w;
  canvas.height = h;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(source, 0, 0, w, h);
  const pixels = context.getImageData(0, 0, w, h);
  const found = jsQR(pixels.data, w, h, { inversionAttempts: "attemptBoth" });
  return found && found.data ? found.data : null;
}

function loadImage(file) {
  if (window.createImageBitmap) {
    return window.createImageBitmap(file);
  }
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(file);
    const image = new Image();
    image.onload = () => { URL.revokeObjectURL(url); resolve(image); };
    image.onerror = (error) => { URL.revokeObjectURL(url); reject(error); };
    image.src = url;
  });
}

export function QrScanner({
  onDecode,
  onProblem,
  cameraLabel,
  stopLabel,
  photoLabel,
  videoLabel,
  scanningLabel,
}) {
  const videoRef = useRef(null);
  const canvasRef = useRef(null);
  const streamRef = useRef(null);
  const frameRef = useRef(0);
  const [scanning, setScanning] = useState(false);

  const stop = useCallback(() => {
    window.cancelAnimationFrame(frameRef.current);
    if (streamRef.current) {
      streamRef.current.getTracks().forEach((track) => track.stop());
      streamRef.current = null;
    }
    if (videoRef.current) {
      videoRef.current.srcObject = null;
    }
    setScanning(false);
  }, []);

  // Leaving the page releases the camera.
  useEffect(() => stop, [stop]);

  const report = useCallback((problem) => { if (onProblem) { onProblem(problem); } }, [onProblem]);

  const tick = useCallback(() => {
    const video = videoRef.current;
    if (!video || !streamRef.current) {
      return;
    }
    if (video.readyState >= 2 && video.videoWidth > 0) {
      const text = decode(video, video.videoWidth, video.videoHeight, canvasRef.current);
      if (text) {
        stop();
        if (onDecode) { onDecode(text); }
        return;
      }
    }
    frameRef.current = window.requestAnimationFrame(tick);
  }, [onDecode, stop]);

  const start = async () => {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      report("camera_unavailable");
      return;
    }
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: { ideal: "environment" } },
        audio: false,
      });
      streamRef.current = stream;
      setScanning(true);
      const video = videoRef.current;
      video.srcObject = stream;
      await video.play();
      frameRef.current = window.requestAnimationFrame(tick);
    } catch (error) {
      stop();
      report(error && error.name === "NotAllowedError" ? "camera_denied" : "camera_unavailable");
    }
  };

  const fromPhoto = async (event) => {
    const input = event.target;
    const file = input.files && input.files[0];
    if (!file) {
      return;
    }
    try {
      const image = await loadImage(file);
      const text = decode(image, image.width, image.height, canvasRef.current);
      if (text) {
        if (onDecode) { onDecode(text); }
      } else {
        report("no_code");
      }
    } catch (error) {
      report("unreadable");
    } finally {
      // The same photo may be chosen again after a problem.
      input.value = "";
    }
  };

  return (
    <div className="qr-scanner" data-testid="staff-scanner" data-scanning={scanning ? "true" : "false"}>
      <div className="qr-actions">
        {scanning ? (
          <button type="button" className="button button-secondary" onClick={stop} data-testid="staff-scan-stop">
            {stopLabel}
          </button>
        ) : (
          <button type="button" className="button" onClick={start} data-testid="staff-scan-camera">
            {cameraLabel}
          </button>
        )}
        <label className="button button-secondary qr-photo">
          <span>{photoLabel}</span>
          <input
            type="file"
            accept="image/*"
            className="qr-photo-input"
            onChange={fromPhoto}
            data-testid="staff-scan-photo"
          />
        </label>
      </div>
      <video
        ref={videoRef}
        className="qr-video"
        hidden={!scanning}
        muted
        playsInline
        aria-label={videoLabel}
        data-testid="staff-scan-video"
      />
      {scanning ? <p className="hint" role="status">{scanningLabel}</p> : null}
      <canvas ref={canvasRef} hidden aria-hidden="true" />
    </div>
  );
}
