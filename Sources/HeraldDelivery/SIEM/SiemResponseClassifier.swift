import Foundation
import HeraldCore

/// Reads an HTTP answer with a connector's rules: its vendor codes first (Splunk HEC's `{"text","code"}`), then its
/// statuses, then the defaults (2xx delivered, 408/429/5xx retried, other 4xx refused), and, for `_bulk`, each
/// item's own status.
struct SiemResponseClassifier: Sendable {
    let rules: SiemConnector.ResponseRules
    let wire: SiemWireKind

    func classify(status: Int, body: [UInt8], retryAfter: Duration?) -> SiemSendResult {
        let excerpt = body.isEmpty ? nil : String(decoding: body.prefix(4096), as: UTF8.self)
        let parsed = try? JSONValue.parse(body.prefix(1 << 20))
        let label = status < 300 ? "2xx" : status < 500 ? "4xx" : "5xx"
        var vendorCode: Int?
        var vendorText: String?
        if let vendor = rules.vendorCode, case .object(let object)? = parsed {
            if case .number(let code)? = object[vendor.codeField] { vendorCode = Int(code) }
            if case .string(let text)? = object[vendor.textField] { vendorText = text }
        }
        let described = describe(status: status, vendorCode: vendorCode, vendorText: vendorText)
        func result(_ verdict: SiemSendResult.Verdict, _ message: String = described) -> SiemSendResult {
            SiemSendResult(
                verdict: verdict, statusCode: status, vendorCode: vendorCode, message: message, excerpt: excerpt,
                label: label)
        }
        if let vendor = rules.vendorCode, let code = vendorCode, !(200..<300).contains(status) {
            if vendor.disable.contains(code) { return result(.disable) }
            if vendor.retry.contains(code) { return result(.retry(after: retryAfter)) }
            if vendor.reject.contains(code) { return result(.reject) }
        }
        if (200..<300).contains(status) {
            if wire == .elasticsearchBulk, case .object(let object)? = parsed {
                return bulkItems(object, status: status, excerpt: excerpt)
            }
            return result(.delivered)
        }
        if rules.disable.contains(status) { return result(.disable) }
        if rules.split.contains(status) { return result(.split) }
        if rules.retry.contains(status) { return result(.retry(after: retryAfter)) }
        if rules.reject.contains(status) { return result(.reject) }
        if status == 408 || status == 429 || status >= 500 { return result(.retry(after: retryAfter)) }
        if (300..<400).contains(status) { return result(.retry(after: nil), "HTTP \(status): redirect not followed") }
        return result(.reject)
    }

    /// `HTTP 400 (HEC code 7: Incorrect index)`.
    private func describe(status: Int, vendorCode: Int?, vendorText: String?) -> String {
        var text = "HTTP \(status)"
        switch (vendorCode, vendorText) {
        case (let code?, let message?): text += " (code \(code): \(message))"
        case (let code?, nil): text += " (code \(code))"
        case (nil, let message?): text += " (\(message))"
        case (nil, nil): break
        }
        return text
    }

    /// A `_bulk` answer: `errors` false is delivered; else each item's status decides (2xx and 409 on `create`
    /// taken, 429 and 5xx retried, anything else refused with its `error.type` and `reason`).
    private func bulkItems(_ object: [String: JSONValue], status: Int, excerpt: String?) -> SiemSendResult {
        guard case .bool(true)? = object["errors"], case .array(let items)? = object["items"] else {
            return SiemSendResult(
                verdict: .delivered, statusCode: status, vendorCode: nil, message: "HTTP \(status)", excerpt: excerpt,
                label: "2xx")
        }
        var retry: [Int] = []
        var rejected: [Int: String] = [:]
        for (index, item) in items.enumerated() {
            guard case .object(let wrapper) = item, let (action, value) = wrapper.first,
                case .object(let result) = value, case .number(let code)? = result["status"]
            else { continue }
            let itemStatus = Int(code)
            if (200..<300).contains(itemStatus) || (itemStatus == 409 && action == "create") { continue }
            if itemStatus == 429 || itemStatus >= 500 {
                retry.append(index)
                continue
            }
            var reason = "item status \(itemStatus)"
            if case .object(let error)? = result["error"] {
                if case .string(let type)? = error["type"] { reason += " \(type)" }
                if case .string(let detail)? = error["reason"] { reason += ": \(detail.prefix(300))" }
            }
            rejected[index] = reason
        }
        let message =
            retry.isEmpty && rejected.isEmpty
            ? "HTTP \(status)" : "HTTP \(status): \(retry.count) item(s) to retry, \(rejected.count) refused"
        return SiemSendResult(
            verdict: retry.isEmpty && rejected.isEmpty ? .delivered : .partial(retry: retry, rejected: rejected),
            statusCode: status, vendorCode: nil, message: message, excerpt: excerpt, label: "2xx")
    }
}
