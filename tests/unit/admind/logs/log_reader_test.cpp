// LogReader (admind/logs/log_reader.h) against real files in a temp directory: partial
// lines, restarts from a stored position, rename rotation with and without a restart in
// between, gzip-compressed rotated files, copytruncate, several rotations while stopped.
#include "admind/logs/log_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace ark::admind::logs {
namespace {

namespace fs = std::filesystem;

class LogReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ark-logreader.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = (dir_ / "maillog").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  void append(const std::string& text, const std::string& path = "") {
    std::ofstream(path.empty() ? path_ : path, std::ios::app | std::ios::binary) << text;
  }

  // Reads until a batch without lines and without a switch; returns all texts, committing
  // every batch like the follower does.
  std::vector<std::string> drain(LogReader& r, size_t batch = 2) {
    std::vector<std::string> out;
    for (int guard = 0; guard < 1000; ++guard) {
      auto b = r.read(batch);
      EXPECT_TRUE(b.ok());
      if (!b.ok()) {
        break;
      }
      for (const auto& l : b->lines) {
        out.push_back(l.text);
      }
      if (b->lines.empty() && !b->switched) {
        break;
      }
      r.commit(*b);
    }
    return out;
  }

  LogReader reader() { return LogReader({path_, ""}); }

  fs::path dir_;
  std::string path_;
};

using Lines = std::vector<std::string>;

TEST_F(LogReaderTest, CompleteLinesOnlyAndOffsets) {
  append("one\ntwo\nthr");
  LogReader r = reader();
  ASSERT_TRUE(r.open(std::nullopt, false).ok());
  auto b = r.read(10);
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->lines.size(), 2u);
  EXPECT_EQ(b->lines[1].text, "two");
  EXPECT_EQ(b->lines[1].offset, 4);
  EXPECT_EQ(b->end.offset, 8);
  r.commit(*b);
  EXPECT_TRUE(drain(r).empty()) << "the partial line waits";
  append("ee\n");
  EXPECT_EQ(drain(r), Lines({"three"}));
}

TEST_F(LogReaderTest, StartAtEndSkipsHistoryButNotAPartialLine) {
  append("old1\nold2\npart");
  LogReader r = reader();
  auto pos = r.open(std::nullopt, true);
  ASSERT_TRUE(pos.ok());
  EXPECT_EQ(pos->offset, 10);
  append("ial\nnew\n");
  EXPECT_EQ(drain(r), Lines({"partial", "new"}));
}

TEST_F(LogReaderTest, FileIdIsStableAndChangesWithContent) {
  append("first line\n");
  LogReader a = reader();
  auto pa = a.open(std::nullopt, false);
  LogReader b = reader();
  auto pb = b.open(std::nullopt, false);
  ASSERT_TRUE(pa.ok() && pb.ok());
  EXPECT_EQ(pa->file_id, pb->file_id);
  EXPECT_EQ(pa->file_id.substr(pa->file_id.rfind(':') + 1), fnv1a_hex("first line\n"));
}

TEST_F(LogReaderTest, RestartResumesAtTheStoredPosition) {
  append("a\nb\nc\n");
  LogPosition stored;
  {
    LogReader r = reader();
    ASSERT_TRUE(r.open(std::nullopt, false).ok());
    auto b = r.read(2);
    ASSERT_TRUE(b.ok());
    r.commit(*b);
    stored = r.committed();
  }
  LogReader r = reader();
  auto pos = r.open(stored, false);
  ASSERT_TRUE(pos.ok());
  EXPECT_EQ(*pos, stored);
  EXPECT_EQ(drain(r), Lines({"c"}));
}

TEST_F(LogReaderTest, RewindReadsAnUncommittedBatchAgain) {
  append("a\nb\n");
  LogReader r = reader();
  ASSERT_TRUE(r.open(std::nullopt, false).ok());
  auto b = r.read(10);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->lines.size(), 2u);
  r.rewind();
  EXPECT_EQ(drain(r), Lines({"a", "b"}));
}

TEST_F(LogReaderTest, RenameRotationDeliversEveryLineOnce) {
  append("a\nb\n");
  LogReader r = reader();
  ASSERT_TRUE(r.open(std::nullopt, false).ok());
  Lines got = drain(r);
  append("c\n");
  fs::rename(path_, path_ + ".1");
  append("d\n", path_ + ".1");
  append("new1\nnew2\n");
  Lines more = drain(r, 10);
  got.insert(got.end(), more.begin(), more.end());
  EXPECT_EQ(got, Lines({"a", "b", "c", "d", "new1", "new2"}));
  EXPECT_EQ(r.rotations_seen(), 1);
}

TEST_F(LogReaderTest, UnterminatedTailOfARotatedFileIsTheLastLine) {
  append("a\ntail");
  LogReader r = reader();
  ASSERT_TRUE(r.open(std::nullopt, false).ok());
  Lines got = drain(r);
  fs::rename(path_, path_ + ".1");
  append("n\n");
  Lines more = drain(r, 10);
  got.insert(got.end(), more.begin(), more.end());
  EXPECT_EQ(got, Lines({"a", "tail", "n"}));
}

TEST_F(LogReaderTest, RestartAfterRotationFindsTheRenamedFile) {
  append("a\nb\nc\n");
  LogPosition stored;
  {
    LogReader r = reader();
    ASSERT_TRUE(r.open(std::nullopt, false).ok());
    auto b = r.read(1);
    ASSERT_TRUE(b.ok());
    r.commit(*b);
    stored = r.committed();
  }
  fs::rename(path_, path_ + "-20261129");  // logrotate dateext
  append("new\n");
  LogReader r = reader();
  auto pos = r.open(stored, false);
  ASSERT_TRUE(pos.ok());
  EXPECT_EQ(*pos, stored);
  EXPECT_EQ(drain(r), Lines({"b", "c", "new"}));
}

TEST_F(LogReaderTest, RestartAfterRotationAndGzipReadsTheCompressedFile) {
  append("a\nb\nc\n");
  LogPosition stored;
  {
    LogReader r = reader();
    ASSERT_TRUE(r.open(std::nullopt, false).ok());
    auto b = r.read(2);
    ASSERT_TRUE(b.ok());
    r.commit(*b);
    stored = r.committed();
  }
  std::string rotated = path_ + ".20261129-120000";  // `postfix logrotate`
  fs::rename(path_, rotated);
  ASSERT_EQ(std::system(("gzip " + rotated).c_str()), 0);
  append("new\n");
  LogReader r = reader();
  ASSERT_TRUE(r.open(stored, false).ok());
  EXPECT_EQ(drain(r), Lines({"c", "new"}));
}

TEST_F(LogReaderTest, SeveralRotationsWhileStoppedAreReadInOrder) {
  append("a1\na2\n");
  LogPosition stored;
  {
    LogReader r = reader();
    ASSERT_TRUE(r.open(std::nullopt, false).ok());
    auto b = r.read(1);
    ASSERT_TRUE(b.ok());
    r.commit(*b);
    stored = r.committed();
  }
  fs::rename(path_, path_ + ".2");
  append("b1\nb2\n");
  // make the modification times differ even on coarse file systems
  fs::last_write_time(path_ + ".2", fs::file_time_type::clock::now() - std::chrono::hours(2));
  fs::last_write_time(path_, fs::file_time_type::clock::now() - std::chrono::hours(1));
  fs::rename(path_, path_ + ".1");
  append("c1\n");
  LogReader r = reader();
  ASSERT_TRUE(r.open(stored, false).ok());
  EXPECT_EQ(drain(r), Lines({"a2", "b1", "b2", "c1"}));
}

TEST_F(LogReaderTest, CopytruncateRestartsAtZeroUnderANewId) {
  append("a\nb\n");
  LogReader r = reader();
  auto first = r.open(std::nullopt, false);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(drain(r), Lines({"a", "b"}));
  fs::copy_file(path_, path_ + ".1");
  fs::resize_file(path_, 0);
  append("x\n");
  auto b = r.read(10);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->switched);
  EXPECT_NE(b->end.file_id, first->file_id);
  EXPECT_EQ(b->end.offset, 0);
  r.commit(*b);
  EXPECT_EQ(drain(r), Lines({"x"}));
}

TEST_F(LogReaderTest, CopytruncateRegrownPastTheOffsetIsStillNoticed) {
  append("line-1\n");
  LogReader r = reader();
  ASSERT_TRUE(r.open(std::nullopt, false).ok());
  EXPECT_EQ(drain(r), Lines({"line-1"}));
  fs::resize_file(path_, 0);
  append("other first line\nmore\n");  // longer than before: size alone would not show it
  EXPECT_EQ(drain(r), Lines({"other first line", "more"}));
}

TEST_F(LogReaderTest, LostCheckpointFileStartsTheLiveFileAtZero) {
  append("live\n");
  LogReader r = reader();
  auto pos = r.open(LogPosition{"1:2:0123456789abcdef", 500}, false);
  ASSERT_TRUE(pos.ok());
  EXPECT_EQ(pos->offset, 0);
  EXPECT_EQ(drain(r), Lines({"live"}));
}

TEST_F(LogReaderTest, MissingFileIsWaitedFor) {
  LogReader r = reader();
  auto pos = r.open(std::nullopt, true);
  ASSERT_TRUE(pos.ok());
  EXPECT_TRUE(pos->file_id.empty());
  EXPECT_TRUE(drain(r).empty());
  append("born\n");
  EXPECT_EQ(drain(r), Lines({"born"})) << "a file that appears later is read from its start";
}

}  // namespace
}  // namespace ark::admind::logs
