import Foundation
import GRDB
import HeraldCore

extension SQLiteJobStore {
    /// The (kind, destination) pairs with available or retrying jobs, walked with one seek of
    /// `jobs_due_kind_destination` each (a skip scan): the cost grows with the number of destinations of the kinds
    /// claimed, not with the number of jobs waiting, and a kind without jobs costs one seek. `kinds` is the CTE of the
    /// kinds to claim: the `:kinds` JSON list, or every kind that has due jobs (``presentKinds``).
    static func pendingDestinations(kinds: String) -> String {
        """
        WITH RECURSIVE \(kinds),
        destinations(kind, destination) AS (
            SELECT kinds.kind, (
                SELECT MIN(first.destination) FROM jobs AS first INDEXED BY jobs_due_kind_destination
                WHERE first.kind = kinds.kind AND first.state IN ('available', 'retrying'))
            FROM kinds
            UNION ALL
            SELECT destinations.kind, (
                SELECT MIN(next.destination) FROM jobs AS next INDEXED BY jobs_due_kind_destination
                WHERE next.kind = destinations.kind AND next.state IN ('available', 'retrying')
                    AND next.destination > destinations.destination)
            FROM destinations WHERE destinations.destination IS NOT NULL
        )
        """
    }

    /// The kinds named by the `:kinds` JSON list.
    static let listedKinds = "kinds(kind) AS (SELECT value FROM json_each(:kinds))"

    /// ``pendingDestinations(kinds:)`` of the listed kinds, and of every kind present.
    static let listedKindDestinations = pendingDestinations(kinds: listedKinds)
    static let presentKindDestinations = pendingDestinations(kinds: presentKinds)

    /// Every kind with due jobs, one seek each.
    static let presentKinds = """
        present(kind) AS (
            SELECT MIN(kind) FROM jobs INDEXED BY jobs_due_kind_destination WHERE state IN ('available', 'retrying')
            UNION ALL
            SELECT (
                SELECT MIN(later.kind) FROM jobs AS later INDEXED BY jobs_due_kind_destination
                WHERE later.state IN ('available', 'retrying') AND later.kind > present.kind)
            FROM present WHERE present.kind IS NOT NULL
        ),
        kinds(kind) AS (SELECT kind FROM present WHERE kind IS NOT NULL)
        """

    /// Picks the due jobs round-robin (rank within the organization's destination first, then rank of the
    /// organization) and leases them; the answer keeps the round-robin order. An ordered job is due only when no
    /// earlier ordered job of its destination is pending (available, leased or retrying). The jobs of a suspended
    /// organization are held: not claimed until it is active again.
    ///
    /// The candidates are the first due jobs of each pending destination, at most a quota of each: first
    /// `limit / destinations` (rounded up), doubled while a short answer could be hiding jobs behind a quota, up to
    /// `perDestination`. So a claim ranks about `limit` rows, however many jobs wait, and a claim that answers
    /// fewer than `limit` has taken every claimable job.
    static func claim(
        limit: Int, perDestination: Int, owner: String, expiresAt: Date, now: Date, stamp: Date, kinds: Set<JobKind>?,
        excluding: Set<String>, in db: Database
    ) throws -> [JobLease] {
        let dueJob = """
            due.kind = d.kind AND due.destination = d.destination AND due.state IN ('available', 'retrying')
                AND due.run_at <= :now
                AND (due.ordered = 0 OR NOT EXISTS (
                    SELECT 1 FROM jobs AS earlier INDEXED BY jobs_ordered_pending
                    WHERE earlier.ordered = 1 AND earlier.destination = due.destination AND earlier.id < due.id
                        AND earlier.state IN ('available', 'leased', 'retrying')))
            """
        var destination = "d.destination IS NOT NULL"
        var arguments: [String: (any DatabaseValueConvertible)?] = ["now": now.millisecondsSince1970, "limit": limit]
        var countArguments: [String: (any DatabaseValueConvertible)?] = [:]
        if let kinds {
            arguments["kinds"] = StorageJSON.array(kinds.map(\.rawValue).sorted())
            countArguments["kinds"] = arguments["kinds"]
        }
        let pendingDestinations = kinds == nil ? Self.presentKindDestinations : Self.listedKindDestinations
        if !excluding.isEmpty {
            destination += " AND d.destination NOT IN (SELECT value FROM json_each(:excluded))"
            arguments["excluded"] = StorageJSON.array(Array(excluding))
        }
        let count =
            try Int.fetchOne(
                db.cachedStatement(
                    sql: pendingDestinations + " SELECT COUNT(*) FROM destinations WHERE destination IS NOT NULL"),
                arguments: StatementArguments(countArguments)) ?? 0
        guard count > 0 else { return [] }
        let pick = try db.cachedStatement(
            sql: pendingDestinations + """
                ,
                candidates AS (
                    SELECT j.id, j.org_id, j.destination, j.run_at
                    FROM destinations AS d JOIN jobs AS j ON j.id IN (
                        SELECT due.id FROM jobs AS due INDEXED BY jobs_due_kind_destination
                        WHERE \(dueJob)
                        ORDER BY due.run_at, due.id LIMIT :quota)
                    WHERE \(destination)
                        AND (j.org_id IS NULL OR j.org_id NOT IN (SELECT id FROM organizations WHERE status = 'suspended'))
                )
                SELECT id, destination_rank FROM (
                    SELECT id, run_at, destination_rank,
                        ROW_NUMBER() OVER (PARTITION BY org_id ORDER BY destination_rank, run_at, id) AS org_rank
                    FROM (
                        SELECT id, org_id, run_at,
                            ROW_NUMBER() OVER (PARTITION BY org_id, destination ORDER BY run_at, id) AS destination_rank
                        FROM candidates
                    )
                )
                WHERE org_rank <= :limit
                ORDER BY org_rank, run_at, id
                LIMIT :limit
                """)
        var quota = min(perDestination, (limit + count - 1) / count)
        var picked: [Int64] = []
        while true {
            arguments["quota"] = quota
            let rows = try Row.fetchAll(pick, arguments: StatementArguments(arguments))
            picked = rows.map { $0[0] }
            // Short, and a destination gave its whole quota: it may have more.
            let quotaReached = rows.contains { ($0[1] as Int) >= quota }
            guard picked.count < limit, quotaReached, quota < perDestination else { break }
            quota = min(perDestination, quota * 2)
        }
        guard !picked.isEmpty else { return [] }
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    UPDATE jobs SET state = 'leased', lease_owner = ?, lease_expires_at = ?,
                        fencing_token = fencing_token + 1, attempts = attempts + 1, updated_at = ?
                    WHERE id IN (SELECT value FROM json_each(?))
                    RETURNING \(JobRows.jobColumns)
                    """),
            arguments: [
                owner, expiresAt.millisecondsSince1970, stamp.millisecondsSince1970, try StorageJSON.text(picked),
            ])
        var byId: [Int64: Job] = [:]
        for row in rows {
            let job = JobRows.job(row)
            byId[job.id] = job
        }
        return picked.compactMap { id in
            byId[id].map { JobLease(job: $0, token: $0.fencingToken, owner: owner, expiresAt: $0.leaseExpiresAt!) }
        }
    }
}
