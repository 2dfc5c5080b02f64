// Package webcast reads and writes TikTok's Webcast push protocol: the push
// frames a TikTok LIVE WebSocket carries, the room messages inside them, and
// capture files that record a session frame by frame.
//
// Reading: a Decoder turns one received WebSocket message into a Frame (what
// the client needs to answer it: log id, need-ack, internal_ext, cursor) and
// the tikcraft events it carries. It counts what it saw for a --stats view.
//
// Writing: AckFrame, HeartbeatFrame and EnterRoomFrame build the frames a
// client sends; EncodeEvent and EncodeFrame build what a server would send,
// for the simulator and for tests.
//
// The protobuf schema lives in the pb subpackage; see docs/CAPTURE.md for
// how to regenerate it and for the capture file format.
package webcast
