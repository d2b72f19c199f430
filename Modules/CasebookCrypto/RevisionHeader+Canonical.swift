public import CasebookModels
public import Foundation

/// The canonical byte form of a revision header: the AEAD associated data, the input of the
/// content address, and what the server parses. One encoding only, so equal headers give equal bytes.
///
/// Layout: "CBR" magic, format (u8), four length-prefixed UTF-8 strings (u8 length) for record id,
/// record type, case id and author device, then HLC physical (u64 BE), HLC logical (u32 BE) and
/// key epoch (u32 BE); format 2 then adds the device's sequence number (u64 BE, 1...Int64.max;
/// ADR 0014). No trailing bytes.
extension RevisionHeader {
    private static let magic: [UInt8] = Array("CBR".utf8)

    public var canonicalBytes: Data {
        var data = Data(Self.magic)
        data.append(format)
        for text in [recordID.rawValue, recordType.rawValue, caseID.rawValue, authorDevice.rawValue] {
            let utf8 = Array(text.utf8.prefix(255))
            data.append(UInt8(utf8.count))
            data.append(contentsOf: utf8)
        }
        data.appendBigEndian(hlc.physical)
        data.appendBigEndian(hlc.logical)
        data.appendBigEndian(keyEpoch)
        if format >= RevisionHeader.currentFormat { data.appendBigEndian(deviceSeq ?? 0) }
        return data
    }

    /// Strictly decodes canonical bytes; anything else is rejected as tampered.
    public init(canonicalBytes data: Data) throws(CasebookError) {
        var reader = ByteReader(data)
        func fail(_ what: String) -> CasebookError { CasebookError(.tampered, "a revision header is malformed (\(what))") }
        guard let magic = reader.read(3), Array(magic) == Self.magic else { throw fail("magic") }
        guard let format = reader.readInteger(UInt8.self),
              format == RevisionHeader.currentFormat || format == RevisionHeader.unnumberedFormat else { throw fail("format") }
        var strings: [String] = []
        for _ in 0..<4 {
            guard let length = reader.readInteger(UInt8.self), length > 0, let raw = reader.read(Int(length)),
                  let text = String(bytes: raw, encoding: .utf8) else { throw fail("field") }
            strings.append(text)
        }
        guard let type = RecordType(rawValue: strings[1]) else { throw fail("record type") }
        guard let physical = reader.readInteger(UInt64.self), let logical = reader.readInteger(UInt32.self),
              let epoch = reader.readInteger(UInt32.self) else { throw fail("length") }
        var deviceSeq: UInt64?
        if format == RevisionHeader.currentFormat {
            // Within Int64 so every store can hold it; 0 is not a number a device gives.
            guard let seq = reader.readInteger(UInt64.self), seq >= 1, seq <= UInt64(Int64.max) else { throw fail("device number") }
            deviceSeq = seq
        }
        guard reader.isAtEnd else { throw fail("length") }
        self.init(format: format, recordID: RecordID(rawValue: strings[0]), recordType: type,
                  caseID: CaseID(rawValue: strings[2]), authorDevice: DeviceID(rawValue: strings[3]),
                  hlc: HLCTimestamp(physical: physical, logical: logical), keyEpoch: epoch, deviceSeq: deviceSeq)
        guard canonicalBytes == data else { throw fail("not canonical") }
    }
}
