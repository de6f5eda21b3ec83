package dev.kapi.apiserver.storage.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Looks into a database file from the side (a separate connection), for test assertions. */
final class SqliteFiles {

    private SqliteFiles() {
    }

    /** The first column of the first row of {@code sql}, as a string. */
    static String query(Path file, String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    static long count(Path file, String sql) {
        return Long.parseLong(query(file, sql));
    }

    static long rows(Path file) {
        return count(file, "SELECT COUNT(*) FROM kine");
    }

    static long pages(Path file) {
        return count(file, "PRAGMA page_count");
    }
}
