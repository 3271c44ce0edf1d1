// Record attachments: multipart upload and binary download on one endpoint.
import { readPaging } from './crm-list';
import { knownModule, simUser, type CrmTarget } from './crm-records';
import { zohoError } from './errors';
import type { Exchange } from './exchange';
import { boundaryOf, parseMultipart } from './multipart';
import type { AttachmentState } from './state';
import { zohoDateTime } from './time';

interface AttachmentTarget {
	target: CrmTarget;
	recordId: string;
}

export function handleUpload(ex: Exchange, options: AttachmentTarget): void {
	const module = knownModule(ex, options.target);
	if (!module) return;
	if (!module.byId.has(options.recordId)) {
		ex.json(400, invalidRecord(options.recordId));
		return;
	}
	const boundary = boundaryOf(ex.header('content-type'));
	const parts = boundary ? parseMultipart(ex.body, boundary) : undefined;
	if (!parts) {
		ex.json(
			400,
			zohoError('INVALID_REQUEST', 'the attachment must be sent as multipart/form-data'),
		);
		return;
	}
	const file = parts.find((part) => part.name === 'file');
	if (!file) {
		ex.json(
			400,
			zohoError('REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
				param: 'file',
			}),
		);
		return;
	}
	const time = zohoDateTime(ex.core.now());
	const attachment: AttachmentState = {
		id: ex.dc.recordIds.next(),
		fileName: file.filename ?? 'file',
		contentType: file.contentType ?? 'application/octet-stream',
		data: file.data,
		createdTime: time,
	};
	const list = module.attachments.get(options.recordId) ?? [];
	list.push(attachment);
	module.attachments.set(options.recordId, list);
	const user = simUser(ex.dc);
	const by = { name: user.name, id: user.id };
	ex.json(200, {
		data: [
			{
				code: 'SUCCESS',
				details: {
					Modified_Time: time,
					Modified_By: by,
					Created_Time: time,
					id: attachment.id,
					Created_By: by,
				},
				message: 'attachment uploaded successfully',
				status: 'success',
			},
		],
	});
}

export function handleListAttachments(ex: Exchange, options: AttachmentTarget): void {
	const module = knownModule(ex, options.target);
	if (!module) return;
	const paging = readPaging(ex);
	if (!paging) return;
	const parent = module.byId.get(options.recordId);
	const all = module.attachments.get(options.recordId) ?? [];
	const offset = (paging.page - 1) * paging.perPage;
	const page = all.slice(offset, offset + paging.perPage);
	if (!parent || page.length === 0) {
		ex.empty(204);
		return;
	}
	const user = simUser(ex.dc);
	const by = { name: user.name, id: user.id };
	const parentName = typeof parent.Last_Name === 'string' ? parent.Last_Name : null;
	ex.json(200, {
		data: page.map((attachment) => ({
			id: attachment.id,
			File_Name: attachment.fileName,
			Size: String(attachment.data.length),
			Created_Time: attachment.createdTime,
			Modified_Time: attachment.createdTime,
			Created_By: by,
			Modified_By: by,
			Owner: by,
			Parent_Id: { name: parentName, id: options.recordId },
			$file_id: attachment.id,
			$type: 'Attachment',
			$editable: true,
		})),
		info: {
			per_page: paging.perPage,
			count: page.length,
			page: paging.page,
			more_records: offset + paging.perPage < all.length,
		},
	});
}

export function handleDownload(
	ex: Exchange,
	options: AttachmentTarget & { attachmentId: string },
): void {
	const module = knownModule(ex, options.target);
	if (!module) return;
	const attachment = module.attachments
		.get(options.recordId)
		?.find((candidate) => candidate.id === options.attachmentId);
	if (!attachment) {
		ex.json(400, invalidRecord(options.attachmentId));
		return;
	}
	ex.send({
		status: 200,
		data: attachment.data,
		headers: {
			'Content-Type': attachment.contentType,
			'Content-Disposition': contentDisposition(attachment.fileName),
		},
	});
}

export function handleDeleteAttachment(
	ex: Exchange,
	options: AttachmentTarget & { attachmentId: string },
): void {
	const module = knownModule(ex, options.target);
	if (!module) return;
	const list = module.attachments.get(options.recordId) ?? [];
	if (!list.some((attachment) => attachment.id === options.attachmentId)) {
		ex.json(400, invalidRecord(options.attachmentId));
		return;
	}
	module.attachments.set(
		options.recordId,
		list.filter((attachment) => attachment.id !== options.attachmentId),
	);
	ex.json(200, {
		data: [
			{
				code: 'SUCCESS',
				details: { id: options.attachmentId },
				message: 'record deleted',
				status: 'success',
			},
		],
	});
}

function invalidRecord(id: string): ReturnType<typeof zohoError> {
	return zohoError('INVALID_DATA', 'the related id given seems to be invalid', { id });
}

/** `filename="..."` for plain ASCII names; other names also get an RFC 5987 `filename*`. */
function contentDisposition(fileName: string): string {
	const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '\\$&');
	const plain = `attachment; filename="${ascii}"`;
	return /^[\x20-\x7e]*$/.test(fileName)
		? plain
		: `${plain}; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
