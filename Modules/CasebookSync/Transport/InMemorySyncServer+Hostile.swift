public import CasebookModels

extension InMemorySyncServer {
    /// A hostile operator's power over its own database (tests of ADR 0015): registers a device
    /// record as if it had enrolled, bypassing the one-time code.
    @_spi(Testing) public func plantDevice(_ record: DeviceRecord) {
        devices[record.deviceID] = record
        deviceOrder.append(record.deviceID)
    }
}
