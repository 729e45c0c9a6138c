extension SiemSchema {
    /// The version of this schema's mapping (bumped when a field changes), e.g. "1".
    public var mappingVersion: String {
        switch self {
        case .native: NativeEventMapping.mappingVersion
        case .ocsf: OCSFEventMapping.mappingVersion
        case .ecs: ECSEventMapping.mappingVersion
        case .cef: CEFEventFormatter.mappingVersion
        case .leef: LEEFEventFormatter.mappingVersion
        }
    }

    /// The event in this schema: a JSON object for `native`, `ocsf` and `ecs`, one line for `cef` and `leef`.
    ///
    /// Pure and deterministic: the same event and producer give the same rendering, and so the same bytes
    /// (``SiemRendering/bytes`` sorts keys), which keeps replays identical.
    public func render(_ event: Event, producer: SiemProducer) -> SiemRendering {
        switch self {
        case .native: .object(NativeEventMapping.render(event))
        case .ocsf: .object(OCSFEventMapping.render(event, producer: producer))
        case .ecs: .object(ECSEventMapping.render(event, producer: producer))
        case .cef: .text(CEFEventFormatter.format(event, producer: producer))
        case .leef: .text(LEEFEventFormatter.format(event, producer: producer))
        }
    }
}
