#include <gtest/gtest.h>

#include "core/storage/db.h"
#include "core/storage/migrate.h"

namespace ark::storage {
namespace {

TEST(Migrate, SplitsStatementsAndDropsComments) {
  auto v = split_sql(
      "-- header comment\nCREATE TABLE a (x INT);\n\nINSERT INTO a VALUES (1);\n"
      "INSERT INTO t VALUES ('semi;colon\n-- not a comment;\n');\n");
  ASSERT_EQ(v.size(), 3u);
  EXPECT_NE(v[0].find("CREATE TABLE a"), std::string::npos);
  EXPECT_NE(v[2].find("semi;colon\n-- not a comment;"), std::string::npos);
}

TEST(Migrate, RepositoryMigrationsAreNumberedAndParse) {
  auto files = list_migrations(std::string(ARK_SOURCE_DIR) + "/sql");
  ASSERT_TRUE(files.ok()) << files.error().message;
  ASSERT_FALSE(files->empty());
  EXPECT_EQ(files->front().version, 1);
  for (size_t i = 1; i < files->size(); ++i) {
    EXPECT_GT((*files)[i].version, (*files)[i - 1].version);
  }
}

TEST(Db, ErrorClassification) {
  EXPECT_EQ(classify_sql_error(1062), base::ErrorKind::Conflict);
  EXPECT_EQ(classify_sql_error(2002), base::ErrorKind::Transient);
  EXPECT_EQ(classify_sql_error(2013), base::ErrorKind::Transient);
  EXPECT_EQ(classify_sql_error(1064), base::ErrorKind::Internal);
}

}  // namespace
}  // namespace ark::storage
