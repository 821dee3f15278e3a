// The receiver lives in @shopscope/testkit (the shop's tests of services under the agent use it too).
export { OtlpReceiver, decodeTraces, decodeLogs, type ReceivedSpan, type ReceivedLog } from '@shopscope/testkit';
