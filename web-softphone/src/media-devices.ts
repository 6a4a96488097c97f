/** Microphone and speaker choice (remembered in this browser). */
const KEY = 'nimbus.softphone.devices';

export interface DeviceChoice {
  microphone?: string;
  speaker?: string;
}

export function loadDeviceChoice(storage: Storage): DeviceChoice {
  try {
    return (JSON.parse(storage.getItem(KEY) ?? '{}') as DeviceChoice) ?? {};
  } catch {
    return {};
  }
}

export function saveDeviceChoice(storage: Storage, choice: DeviceChoice): void {
  storage.setItem(KEY, JSON.stringify(choice));
}

/** getUserMedia constraints for a call: the chosen microphone when there is one. */
export function audioConstraints(choice: DeviceChoice): MediaStreamConstraints {
  return { audio: choice.microphone ? { deviceId: { exact: choice.microphone } } : true, video: false };
}

/** Device labels are empty until the page was allowed the microphone once. */
export async function listAudioDevices(): Promise<{ inputs: MediaDeviceInfo[]; outputs: MediaDeviceInfo[] }> {
  if (!navigator.mediaDevices?.enumerateDevices) return { inputs: [], outputs: [] };
  const devices = await navigator.mediaDevices.enumerateDevices();
  return {
    inputs: devices.filter((d) => d.kind === 'audioinput'),
    outputs: devices.filter((d) => d.kind === 'audiooutput'),
  };
}

/** HTMLMediaElement.setSinkId (Audio Output Devices API); not in every browser. */
export async function routeToSpeaker(element: HTMLMediaElement, deviceId: string | undefined): Promise<void> {
  const withSink = element as HTMLMediaElement & { setSinkId?: (id: string) => Promise<void> };
  if (withSink.setSinkId) await withSink.setSinkId(deviceId ?? '');
}

export const canChooseSpeaker = (): boolean => 'setSinkId' in HTMLMediaElement.prototype;
